using System.Buffers.Binary;
using System.Text.Json;
using SegHeads.Interop;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Interop;

public sealed class SafetensorsTests : IDisposable
{
    private static readonly long[] Int64Values = [long.MinValue, -1, 0, 7, long.MaxValue];
    private static readonly bool[] Flags = [true, false, true];
    private static readonly float[] OneTwo = [1.0f, 2.0f];
    private static readonly long[] TwoFiftyEight = [258];

    private readonly string folder = Directory.CreateTempSubdirectory("segheads-safetensors-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Write_ThenRead_RoundTripsNamesOrderShapesDtypesValuesAndMetadata()
    {
        string path = Path.Combine(folder, "t.safetensors");
        using Tensor f32 = randn(2, 3, 4);
        using Tensor f64 = randn(5, dtype: float64);
        using Tensor i64 = tensor(Int64Values);
        using Tensor scalar = tensor(3.5f);
        using Tensor flags = tensor(Flags);
        using Tensor none = zeros(0, 3);
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("z.f32", f32), new("a.f64", f64), new("i64", i64), new("scalar", scalar), new("bool", flags), new("empty", none),
        };

        Safetensors.Write(path, tensors, new Dictionary<string, string> { ["note"] = "hello" });
        using SafetensorsFile file = Safetensors.Read(path);

        file.Names.Should().Equal("z.f32", "a.f64", "i64", "scalar", "bool", "empty");
        file.Metadata.Should().Equal(new Dictionary<string, string> { ["note"] = "hello" });
        foreach ((string name, Tensor expected) in tensors)
        {
            Tensor actual = file[name];
            actual.dtype.Should().Be(expected.dtype, name);
            actual.shape.Should().Equal(expected.shape, name);
            actual.equal(expected).all().item<bool>().Should().BeTrue(name);
        }
    }

    [Fact]
    public void Write_Float32_LaysOutThePaddedHeaderAndLittleEndianBytesOfTheFormat()
    {
        string path = Path.Combine(folder, "t.safetensors");
        using Tensor a = tensor(OneTwo);
        using Tensor b = tensor(TwoFiftyEight);

        Safetensors.Write(path, [new("a", a), new("b", b)]);
        byte[] bytes = File.ReadAllBytes(path);

        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        (headerLength % 8).Should().Be(0, "the header is padded so the data starts 8-byte aligned");
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        header.RootElement.GetProperty("a").GetProperty("dtype").GetString().Should().Be("F32");
        header.RootElement.GetProperty("a").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).Should().Equal(0, 8);
        header.RootElement.GetProperty("b").GetProperty("dtype").GetString().Should().Be("I64");
        header.RootElement.GetProperty("b").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).Should().Equal(8, 16);
        bytes.Skip(8 + (int)headerLength).Should().Equal(
            new byte[] { 0, 0, 0x80, 0x3F, 0, 0, 0, 0x40, 2, 1, 0, 0, 0, 0, 0, 0 });
    }

    [Fact]
    public void Write_OverAnExistingFile_ReplacesItAndLeavesNoTemporaryFile()
    {
        string path = Path.Combine(folder, "t.safetensors");
        using Tensor first = ones(3);
        using Tensor second = zeros(4);

        Safetensors.Write(path, [new("x", first)]);
        Safetensors.Write(path, [new("x", second)]);

        using SafetensorsFile file = Safetensors.Read(path);
        file["x"].shape.Should().Equal(4);
        Directory.GetFiles(folder).Should().ContainSingle().Which.Should().Be(path);
    }

    [Fact]
    public void Write_RepeatedName_ThrowsAndLeavesTheExistingFileUntouched()
    {
        string path = Path.Combine(folder, "t.safetensors");
        using Tensor x = ones(3);
        Safetensors.Write(path, [new("x", x)]);
        byte[] before = File.ReadAllBytes(path);

        Action write = () => Safetensors.Write(path, [new("y", x), new("y", x)]);

        write.Should().Throw<ArgumentException>().WithMessage("*'y'*");
        File.ReadAllBytes(path).Should().Equal(before);
    }

    [Fact]
    public void Read_TruncatedData_ThrowsNamingTheOffsetsAndTheDataLength()
    {
        string path = Path.Combine(folder, "t.safetensors");
        using Tensor x = ones(16);
        Safetensors.Write(path, [new("x", x)]);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);

        Action read = () => Safetensors.Read(path).Dispose();

        read.Should().Throw<InvalidDataException>().WithMessage("*'x'*[0,64]*<= 60*");
    }

    [Fact]
    public void Read_OffsetsThatDisagreeWithTheShape_ThrowsNamingBothSizes()
    {
        string path = WriteRaw("""{"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}""", new byte[12]);

        Action read = () => Safetensors.Read(path).Dispose();

        read.Should().Throw<InvalidDataException>().WithMessage("*'x' (F32 [2, 2]) needs 16 bytes*span 12*");
    }

    [Fact]
    public void Read_UnknownDtype_ThrowsListingTheSupportedOnes()
    {
        string path = WriteRaw("""{"x":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}""", new byte[8]);

        Action read = () => Safetensors.Read(path).Dispose();

        read.Should().Throw<InvalidDataException>().WithMessage("*'C64'*F64, F32*");
    }

    [Fact]
    public void Read_HeaderLongerThanTheFile_ThrowsNamingTheLength()
    {
        string path = Path.Combine(folder, "t.safetensors");
        byte[] bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        File.WriteAllBytes(path, bytes);

        Action read = () => Safetensors.Read(path).Dispose();

        read.Should().Throw<InvalidDataException>().WithMessage("*1000 bytes*at most 8*");
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFoundNamingThePath()
    {
        string path = Path.Combine(folder, "absent.safetensors");

        Action read = () => Safetensors.Read(path).Dispose();

        read.Should().Throw<FileNotFoundException>().WithMessage($"*{path}*");
    }

    private string WriteRaw(string json, byte[] data)
    {
        string path = Path.Combine(folder, "raw.safetensors");
        byte[] header = System.Text.Encoding.UTF8.GetBytes(json);
        byte[] bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
