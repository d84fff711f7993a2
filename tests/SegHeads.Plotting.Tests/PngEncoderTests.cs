using System.Buffers.Binary;
using System.Text;

namespace SegHeads.Plotting.Tests;

public class PngEncoderTests
{
    [Fact]
    public void EncodePng_StartsWithSignatureAndIhdrDescribingRgba8()
    {
        byte[] png = new Canvas(7, 3).EncodePng();

        png.AsSpan(0, 8).ToArray().Should().Equal(PngTestDecoder.Signature);
        BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(8)).Should().Be(13, "IHDR data is 13 bytes");
        Encoding.ASCII.GetString(png, 12, 4).Should().Be("IHDR");
        BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)).Should().Be(7, "width");
        BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)).Should().Be(3, "height");
        png[24].Should().Be(8, "bit depth");
        png[25].Should().Be(6, "colour type 6 = RGBA");
        png[26].Should().Be(0, "compression method");
        png[27].Should().Be(0, "filter method");
        png[28].Should().Be(0, "interlace method");
    }

    [Fact]
    public void EncodePng_ChunksAreIhdrIdatIend_WithValidCrcs()
    {
        var canvas = new Canvas(20, 10);
        canvas.FillRect(2, 2, 5, 5, new Rgba(10, 200, 30));

        var chunks = PngTestDecoder.ReadChunks(canvas.EncodePng());

        chunks.Select(c => c.Type).Should().Equal("IHDR", "IDAT", "IEND");
        chunks.Should().OnlyContain(c => c.StoredCrc == PngTestDecoder.ChunkCrc(c));
        chunks[^1].Data.Should().BeEmpty();
    }

    [Fact]
    public void Crc32_OfIendChunkType_IsTheWellKnownValue()
    {
        PngEncoder.Crc32("IEND"u8).Should().Be(0xAE426082u);
    }

    [Fact]
    public void Crc32_OfCheckString_MatchesStandardCheckValue()
    {
        PngEncoder.Crc32("123456789"u8).Should().Be(0xCBF43926u);
    }

    [Fact]
    public void EncodePng_UsesFilterTypeZeroOnEveryScanline()
    {
        var canvas = new Canvas(4, 5);
        canvas.SetPixel(1, 1, new Rgba(1, 2, 3, 4));
        var idat = PngTestDecoder.ReadChunks(canvas.EncodePng()).Single(c => c.Type == "IDAT");

        using var zlib = new System.IO.Compression.ZLibStream(new MemoryStream(idat.Data), System.IO.Compression.CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        byte[] data = raw.ToArray();

        Enumerable.Range(0, 5).Select(y => data[y * ((4 * 4) + 1)]).Should().OnlyContain(f => f == 0);
    }

    [Fact]
    public void SavePng_SmallCanvas_RoundTripsPixels()
    {
        var canvas = new Canvas(5, 4, Rgba.Transparent);
        var random = new Random(42);
        var expected = new Rgba[5, 4];
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 5; x++)
            {
                var color = new Rgba((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                canvas.SetPixel(x, y, color);
                expected[x, y] = color;
            }
        }

        string path = Path.Combine(Path.GetTempPath(), $"segheads-plot-{Guid.NewGuid():N}.png");
        try
        {
            canvas.SavePng(path);
            var image = PngTestDecoder.Decode(File.ReadAllBytes(path));

            image.Width.Should().Be(5);
            image.Height.Should().Be(4);
            image.Rgba.Should().Equal(canvas.ToRgbaBytes());
            for (int y = 0; y < 4; y++)
            {
                for (int x = 0; x < 5; x++)
                {
                    int i = ((y * 5) + x) * 4;
                    new Rgba(image.Rgba[i], image.Rgba[i + 1], image.Rgba[i + 2], image.Rgba[i + 3]).Should().Be(expected[x, y]);
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SavePng_ExistingFile_IsReplacedWithoutLeavingTempFiles()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"segheads-plot-{Guid.NewGuid():N}");
        string path = Path.Combine(directory, "curves.png");
        try
        {
            new Canvas(3, 3, Rgba.Black).SavePng(path);
            new Canvas(6, 2, Rgba.White).SavePng(path);

            Directory.GetFiles(directory).Should().ContainSingle().Which.Should().Be(path);
            var image = PngTestDecoder.Decode(File.ReadAllBytes(path));
            (image.Width, image.Height).Should().Be((6, 2));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Encode_WrongBufferLength_Throws()
    {
        var act = () => PngEncoder.Encode(2, 2, new byte[15]);

        act.Should().Throw<ArgumentException>();
    }
}
