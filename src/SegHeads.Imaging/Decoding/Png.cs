using System.Buffers.Binary;
using System.IO.Compression;

namespace SegHeads.Imaging.Decoding;

/// <summary>
/// The parts of PNG that SkiaSharp does not give: the header fields (to reject 16-bit files) and the
/// palette indices of palette PNGs (Skia expands them to colours). Non-interlaced 1/2/4/8-bit grey and
/// palette images are decoded here; writing covers 8-bit grey, palette and RGB.
/// </summary>
internal static class Png
{
    public static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly uint[] CrcTable = BuildCrcTable();

    public const int Grey = 0;
    public const int Rgb = 2;
    public const int Palette = 3;
    public const int GreyAlpha = 4;
    public const int Rgba = 6;

    /// <summary>IHDR fields; throws <see cref="InvalidDataException"/> when the header is missing or cut.</summary>
    public static PngHeader ReadHeader(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 33 || !bytes[12..16].SequenceEqual("IHDR"u8))
        {
            throw new InvalidDataException("the PNG header (IHDR) is missing or truncated");
        }

        return new PngHeader(
            BinaryPrimitives.ReadInt32BigEndian(bytes[16..]),
            BinaryPrimitives.ReadInt32BigEndian(bytes[20..]),
            bytes[24],
            bytes[25],
            bytes[28] != 0);
    }

    public static string DescribeColorType(int colorType) => colorType switch
    {
        Grey => "greyscale",
        Rgb => "RGB",
        Palette => "palette",
        GreyAlpha => "greyscale+alpha",
        Rgba => "RGBA",
        _ => $"colour type {colorType}",
    };

    /// <summary>Reads the chunks; throws <see cref="InvalidDataException"/> for a truncated or malformed file.</summary>
    public static (byte[] Idat, byte[]? Plte) ReadChunks(ReadOnlySpan<byte> bytes)
    {
        using var idat = new MemoryStream();
        byte[]? plte = null;
        int offset = 8;
        while (true)
        {
            if (offset + 8 > bytes.Length)
            {
                throw new InvalidDataException("the file is truncated (it ends before the IEND chunk)");
            }

            int length = BinaryPrimitives.ReadInt32BigEndian(bytes[offset..]);
            ReadOnlySpan<byte> type = bytes.Slice(offset + 4, 4);
            if (length < 0 || (long)offset + 12 + length > bytes.Length)
            {
                throw new InvalidDataException($"the file is truncated (chunk '{System.Text.Encoding.ASCII.GetString(type)}' at byte {offset} runs past the end)");
            }

            ReadOnlySpan<byte> data = bytes.Slice(offset + 8, length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(bytes[(offset + 8 + length)..]);
            if (crc != Crc(bytes.Slice(offset + 4, length + 4)))
            {
                throw new InvalidDataException($"the file is corrupt (CRC mismatch in chunk '{System.Text.Encoding.ASCII.GetString(type)}' at byte {offset})");
            }

            if (type.SequenceEqual("IDAT"u8))
            {
                idat.Write(data);
            }
            else if (type.SequenceEqual("PLTE"u8))
            {
                plte = data.ToArray();
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                return (idat.ToArray(), plte);
            }

            offset += 12 + length;
        }
    }

    /// <summary>
    /// Decodes the sample values of a non-interlaced grey or palette PNG of 1, 2, 4 or 8 bits: the grey
    /// level or the palette index of each pixel, row-major.
    /// </summary>
    public static byte[] DecodeIndices(ReadOnlySpan<byte> bytes, PngHeader header, out byte[]? palette)
    {
        if (header.Interlaced || header.ColorType is not (Grey or Palette) || header.BitDepth is not (1 or 2 or 4 or 8))
        {
            throw new InvalidOperationException("Only non-interlaced 1/2/4/8-bit grey or palette PNGs are decoded here.");
        }

        (byte[] idat, palette) = ReadChunks(bytes);
        int w = header.Width, h = header.Height, depth = header.BitDepth;
        int stride = ((w * depth) + 7) / 8;
        byte[] raw = new byte[(stride + 1) * h];
        try
        {
            using var z = new ZLibStream(new MemoryStream(idat), CompressionMode.Decompress);
            int read = 0, n;
            while (read < raw.Length && (n = z.Read(raw, read, raw.Length - read)) > 0)
            {
                read += n;
            }

            if (read < raw.Length)
            {
                throw new InvalidDataException($"the image data is truncated ({read} of {raw.Length} bytes)");
            }
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith("the image data", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"the image data is corrupt ({e.Message})", e);
        }

        byte[] prev = new byte[stride], cur = new byte[stride];
        byte[] values = new byte[w * h];
        int mask = (1 << depth) - 1;
        for (int y = 0; y < h; y++)
        {
            int filter = raw[y * (stride + 1)];
            Array.Copy(raw, (y * (stride + 1)) + 1, cur, 0, stride);
            Unfilter(filter, cur, prev);
            for (int x = 0; x < w; x++)
            {
                int bit = x * depth;
                values[(y * w) + x] = depth == 8 ? cur[x] : (byte)((cur[bit >> 3] >> (8 - depth - (bit & 7))) & mask);
            }

            (prev, cur) = (cur, prev);
        }

        return values;
    }

    /// <summary>Writes an 8-bit PNG: grey (1 channel), RGB (3 channels, interleaved) or palette (1 channel of indices + palette).</summary>
    public static void Write(string path, ReadOnlySpan<byte> pixels, int width, int height, int channels, IReadOnlyList<(byte R, byte G, byte B)>? palette = null)
    {
        int colorType = palette is not null ? Palette : channels == 3 ? Rgb : Grey;
        int stride = width * channels;
        byte[] raw = new byte[(stride + 1) * height];
        for (int y = 0; y < height; y++)
        {
            pixels.Slice(y * stride, stride).CopyTo(raw.AsSpan((y * (stride + 1)) + 1));
        }

        WriteRaw(path, raw, width, height, 8, colorType, palette);
    }

    /// <summary>Writes a PNG from filtered scanlines (a filter byte before each row) and any header values.</summary>
    public static void WriteRaw(string path, byte[] raw, int width, int height, int bitDepth, int colorType, IReadOnlyList<(byte R, byte G, byte B)>? palette)
    {
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(raw);
        }

        using var file = new MemoryStream();
        file.Write(Signature);
        byte[] ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colorType;
        WriteChunk(file, "IHDR"u8, ihdr);
        if (palette is not null)
        {
            byte[] plte = new byte[palette.Count * 3];
            for (int i = 0; i < palette.Count; i++)
            {
                (plte[3 * i], plte[(3 * i) + 1], plte[(3 * i) + 2]) = palette[i];
            }

            WriteChunk(file, "PLTE"u8, plte);
        }

        WriteChunk(file, "IDAT"u8, compressed.ToArray());
        WriteChunk(file, "IEND"u8, []);
        File.WriteAllBytes(path, file.ToArray());
    }

    private static void WriteChunk(Stream s, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        s.Write(word);
        byte[] typed = [.. type, .. data];
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc(typed));
        s.Write(word);
    }

    private static void Unfilter(int filter, byte[] cur, byte[] prev)
    {
        // Filter units are one byte for every bit depth up to 8 (one sample per pixel).
        for (int i = 0; i < cur.Length; i++)
        {
            int a = i > 0 ? cur[i - 1] : 0, b = prev[i], c = i > 0 ? prev[i - 1] : 0;
            cur[i] = filter switch
            {
                0 => cur[i],
                1 => (byte)(cur[i] + a),
                2 => (byte)(cur[i] + b),
                3 => (byte)(cur[i] + ((a + b) >> 1)),
                4 => (byte)(cur[i] + Paeth(a, b, c)),
                _ => throw new InvalidDataException($"the image data is corrupt (unknown row filter {filter})"),
            };
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return c ^ 0xFFFFFFFF;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}

/// <summary>The PNG header fields that decide how a file is read.</summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, int ColorType, bool Interlaced);
