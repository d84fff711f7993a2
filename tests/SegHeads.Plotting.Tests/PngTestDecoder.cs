using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SegHeads.Plotting.Tests;

/// <summary>A small independent PNG reader for 8-bit RGBA, non-interlaced files (all five filter types).</summary>
internal static class PngTestDecoder
{
    public static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public sealed record Chunk(string Type, byte[] Data, uint StoredCrc);

    public sealed record Image(int Width, int Height, byte[] Rgba);

    public static List<Chunk> ReadChunks(byte[] png)
    {
        png.AsSpan(0, 8).ToArray().Should().Equal(Signature);
        var chunks = new List<Chunk>();
        int pos = 8;
        while (pos < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = Encoding.ASCII.GetString(png, pos + 4, 4);
            byte[] data = png.AsSpan(pos + 8, length).ToArray();
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            chunks.Add(new Chunk(type, data, crc));
            pos += 12 + length;
        }

        return chunks;
    }

    public static Image Decode(byte[] png)
    {
        var chunks = ReadChunks(png);
        var header = chunks[0];
        header.Type.Should().Be("IHDR");
        int width = BinaryPrimitives.ReadInt32BigEndian(header.Data);
        int height = BinaryPrimitives.ReadInt32BigEndian(header.Data.AsSpan(4));
        header.Data[8].Should().Be(8, "bit depth");
        header.Data[9].Should().Be(6, "colour type RGBA");
        header.Data[12].Should().Be(0, "no interlace");

        using var compressed = new MemoryStream(chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray());
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        byte[] data = raw.ToArray();

        int stride = width * 4;
        data.Length.Should().Be(height * (stride + 1));
        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            byte filter = data[y * (stride + 1)];
            for (int i = 0; i < stride; i++)
            {
                int x = data[(y * (stride + 1)) + 1 + i];
                int a = i >= 4 ? pixels[(y * stride) + i - 4] : 0;
                int b = y > 0 ? pixels[((y - 1) * stride) + i] : 0;
                int c = i >= 4 && y > 0 ? pixels[((y - 1) * stride) + i - 4] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"Unknown filter {filter}"),
                };
                pixels[(y * stride) + i] = (byte)(x + predictor);
            }
        }

        return new Image(width, height, pixels);
    }

    /// <summary>Bit-by-bit CRC-32 over type and data, independent of the encoder's table-driven one.</summary>
    public static uint ChunkCrc(Chunk chunk)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in Encoding.ASCII.GetBytes(chunk.Type).Concat(chunk.Data))
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
