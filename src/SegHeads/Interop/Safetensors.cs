using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Interop;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header length,
/// a JSON header <c>{name: {dtype, shape, data_offsets}}</c> with optional string
/// <c>__metadata__</c>, then the raw little-endian tensor data. PyTorch, JAX and numpy read it
/// without executing code (unlike pickle).
/// </summary>
public static class Safetensors
{
    /// <summary>The largest header accepted (the reference implementation's limit), so a corrupt length cannot allocate gigabytes.</summary>
    public const int MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>
    /// Writes tensors atomically (a temporary file beside <paramref name="path"/>, then a rename), in
    /// the order given, with contiguous data and no gaps.
    /// </summary>
    /// <param name="path">Target file; its folder is created if needed.</param>
    /// <param name="tensors">Named tensors of any shape (scalars too) on any device; dtypes F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL.</param>
    /// <param name="metadata">Optional string metadata stored as <c>__metadata__</c>.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated or reserved, or a dtype has no safetensors name.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        RequireLittleEndian();
        var entries = tensors.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, Tensor tensor) in entries)
        {
            if (string.IsNullOrEmpty(name) || name == MetadataKey || !seen.Add(name))
            {
                throw new ArgumentException($"Tensor names must be non-empty, unique and not '{MetadataKey}', but got '{name}'.", nameof(tensors));
            }

            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (SafetensorsDType.NameOf(tensor.dtype) is null)
            {
                throw new ArgumentException($"Tensor '{name}' has dtype {tensor.dtype}; safetensors here supports {SafetensorsDType.Supported}.", nameof(tensors));
            }
        }

        byte[] header = Header(entries, metadata);
        AtomicFile.Write(path, file =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            file.Write(length);
            file.Write(header);
            foreach ((_, Tensor tensor) in entries)
            {
                using var scope = NewDisposeScope();
                Tensor cpu = tensor.detach().cpu().contiguous();
                cpu.WriteBytesToStream(file);
            }
        });
    }

    /// <summary>Reads every tensor of a safetensors file onto the CPU.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The tensors and metadata; the caller disposes it.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the message names the file, what was expected and what was found.</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RequireLittleEndian();
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The safetensors file {full} does not exist.", full);
        }

        using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (file.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
        {
            throw Invalid(full, $"the file has {file.Length} bytes, fewer than the 8-byte header length");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > file.Length - 8)
        {
            throw Invalid(full, $"the header length is {headerLength} bytes, but at most {Math.Min(MaxHeaderBytes, file.Length - 8)} fit in the file");
        }

        byte[] header = new byte[headerLength];
        file.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;
        long dataLength = file.Length - dataStart;
        List<Entry> entries = ParseHeader(full, header, dataLength, out Dictionary<string, string> metadata);

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (Entry entry in entries)
            {
                // NOTE: created outside any dispose scope, so the caller's scope cannot free them.
                Tensor t = empty(entry.Shape, entry.Type);
                tensors.Add(entry.Name, t);
                file.Position = dataStart + entry.Begin;
                t.ReadBytesFromStream(file);
            }
        }
        catch
        {
            foreach (Tensor t in tensors.Values)
            {
                t.Dispose();
            }

            throw;
        }

        return new SafetensorsFile(entries.Select(e => e.Name).ToList(), tensors, metadata);
    }

    private static byte[] Header(List<KeyValuePair<string, Tensor>> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach ((string key, string value) in metadata)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            long offset = 0;
            foreach ((string name, Tensor tensor) in entries)
            {
                string dtype = SafetensorsDType.NameOf(tensor.dtype)!;
                long bytes = tensor.numel() * tensor.ElementSize;
                writer.WriteStartObject(name);
                writer.WriteString("dtype", dtype);
                writer.WriteStartArray("shape");
                foreach (long d in tensor.shape)
                {
                    writer.WriteNumberValue(d);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + bytes);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += bytes;
            }

            writer.WriteEndObject();
        }

        // NOTE: the reference implementation pads the header with spaces to a multiple of 8 so that
        // the data starts aligned; readers that map the file rely on it.
        int padded = (int)((json.Length + 7) / 8 * 8);
        byte[] header = new byte[padded];
        json.GetBuffer().AsSpan(0, (int)json.Length).CopyTo(header);
        header.AsSpan((int)json.Length).Fill((byte)' ');
        return header;
    }

    private static List<Entry> ParseHeader(string path, byte[] header, long dataLength, out Dictionary<string, string> metadata)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"the header is not JSON ({e.Message})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, $"the header must be a JSON object, but is {document.RootElement.ValueKind}");
            }

            metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw Invalid(path, $"the header lists '{property.Name}' twice");
                }

                if (property.Name == MetadataKey)
                {
                    ReadMetadata(path, property.Value, metadata);
                    continue;
                }

                entries.Add(ReadEntry(path, property, dataLength));
            }

            return entries;
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"'{MetadataKey}' must be an object of strings, but is {value.ValueKind}");
        }

        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid(path, $"metadata '{item.Name}' must be a string, but is {item.Value.ValueKind}");
            }

            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static Entry ReadEntry(string path, JsonProperty property, long dataLength)
    {
        string name = property.Name;
        JsonElement value = property.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out JsonElement shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path, $"tensor '{name}' must be an object with a string 'dtype', an array 'shape' and an array 'data_offsets', but is {value.GetRawText()}");
        }

        if (!SafetensorsDType.TryParse(dtype.GetString()!, out ScalarType type, out int size))
        {
            throw Invalid(path, $"tensor '{name}' has dtype '{dtype.GetString()}'; supported: {SafetensorsDType.Supported}");
        }

        var dims = new List<long>();
        foreach (JsonElement d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long n) || n < 0)
            {
                throw Invalid(path, $"tensor '{name}' has shape {shape.GetRawText()}; expected non-negative integers");
            }

            dims.Add(n);
        }

        long[] range = [.. offsets.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out long n) ? n : -1)];
        long expectedBytes = dims.Aggregate(1L, (a, b) => checked(a * b)) * size;
        if (range.Length != 2 || range[0] < 0 || range[1] < range[0] || range[1] > dataLength)
        {
            throw Invalid(path, $"tensor '{name}' has data_offsets {offsets.GetRawText()}; expected [begin, end] with 0 <= begin <= end <= {dataLength} (the data section's length)");
        }

        if (range[1] - range[0] != expectedBytes)
        {
            throw Invalid(path, string.Create(CultureInfo.InvariantCulture,
                $"tensor '{name}' ({dtype.GetString()} [{string.Join(", ", dims)}]) needs {expectedBytes} bytes, but its data_offsets span {range[1] - range[0]}"));
        }

        return new Entry(name, type, [.. dims], range[0]);
    }

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Safetensors data is little-endian; this reader and writer need a little-endian machine.");
        }
    }

    private static InvalidDataException Invalid(string path, string reason) =>
        new($"{path} is not a valid safetensors file: {reason}.");

    private sealed record Entry(string Name, ScalarType Type, long[] Shape, long Begin);
}
