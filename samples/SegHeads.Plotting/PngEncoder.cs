using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SegHeads.Plotting;

/// <summary>
/// A minimal PNG writer: 8-bit RGBA (colour type 6), no interlacing, filter type 0 (None) on every
/// scanline, one zlib-compressed IDAT chunk.
/// </summary>
public static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Encodes <paramref name="rgba"/> (row-major, 4 bytes per pixel) as a PNG file image.</summary>
    /// <param name="width">Image width in pixels (at least 1).</param>
    /// <param name="height">Image height in pixels (at least 1).</param>
    /// <param name="rgba">Exactly <c>width * height * 4</c> bytes.</param>
    /// <returns>The complete PNG file contents.</returns>
    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> rgba)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        int stride = checked(width * 4);
        if (rgba.Length != checked(stride * height))
        {
            throw new ArgumentException($"Expected {stride * height} bytes for {width}x{height} RGBA, got {rgba.Length}.", nameof(rgba));
        }

        using var file = new MemoryStream();
        file.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bit depth
        header[9] = 6;  // colour type: truecolour with alpha
        header[10] = 0; // compression: deflate
        header[11] = 0; // filter method: adaptive (we always pick type 0)
        header[12] = 0; // no interlace
        WriteChunk(file, "IHDR", header);

        using (var raw = new MemoryStream())
        {
            using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int y = 0; y < height; y++)
                {
                    zlib.WriteByte(0); // filter type None
                    zlib.Write(rgba.Slice(y * stride, stride));
                }
            }

            WriteChunk(file, "IDAT", raw.GetBuffer().AsSpan(0, (int)raw.Length));
        }

        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    /// <summary>The CRC-32 (ISO 3309 / ITU-T V.42, as PNG uses) of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes to check; for a chunk, its type followed by its data.</param>
    public static uint Crc32(ReadOnlySpan<byte> data) => ~UpdateCrc(0xFFFFFFFFu, data);

    private static uint UpdateCrc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);

        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        stream.Write(typeBytes);
        stream.Write(data);

        uint crc = ~UpdateCrc(UpdateCrc(0xFFFFFFFFu, typeBytes), data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        stream.Write(word);
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
