using System.Security.Cryptography;
using System.Text.Json;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Training;

/// <summary>
/// Reads and writes checkpoints: model state, optimizer state, step, seed and torch's RNG state in one
/// file with a SHA-256 checksum. Writes go to a temporary file that is renamed over the target, so a
/// crash never leaves a torn checkpoint.
/// </summary>
/// <remarks>Layout: <c>"SEGHCKPT"</c>, int32 format, int64 payload length, payload, SHA-256 of the payload.</remarks>
public static class Checkpoint
{
    private static readonly byte[] Magic = "SEGHCKPT"u8.ToArray();

    /// <summary>Writes a checkpoint atomically.</summary>
    /// <param name="path">Target file; its folder is created if needed.</param>
    /// <param name="model">The model.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="info">Metadata; <see cref="CheckpointInfo.ModelEntries"/> is filled in from the model.</param>
    public static void Save(string path, nn.Module model, OptimizerHelper optimizer, CheckpointInfo info)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(info);
        info = info with { ModelEntries = Entries(model), SavedUtc = DateTime.UtcNow, Format = CheckpointInfo.CurrentFormat };

        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(JsonSerializer.Serialize(info));
            WriteBlock(writer, s => model.save(s));
            WriteBlock(writer, s =>
            {
                using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true);
                optimizer.save_state_dict(w);
            });
            using Tensor rng = get_rng_state();
            byte[] rngBytes = rng.data<byte>().ToArray();
            writer.Write(rngBytes.Length);
            writer.Write(rngBytes);
        }

        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new BinaryWriter(file))
            {
                writer.Write(Magic);
                writer.Write(CheckpointInfo.CurrentFormat);
                writer.Write(payload.Length);
                writer.Write(payload.GetBuffer(), 0, (int)payload.Length);
                writer.Write(SHA256.HashData(payload.GetBuffer().AsSpan(0, (int)payload.Length)));
                writer.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Reads only a checkpoint's metadata (verifying the checksum).</summary>
    /// <exception cref="CheckpointException">The file is missing, corrupt or truncated.</exception>
    public static CheckpointInfo ReadInfo(string path)
    {
        byte[] payload = ReadPayload(path);
        using var reader = new BinaryReader(new MemoryStream(payload));
        return ReadInfo(reader, path);
    }

    /// <summary>Restores a checkpoint into a model and optimizer built like the ones saved.</summary>
    /// <param name="path">The checkpoint.</param>
    /// <param name="model">A model with the same architecture.</param>
    /// <param name="optimizer">An optimizer of the saved kind over that model's parameters.</param>
    /// <param name="optimizerKind">The kind of <paramref name="optimizer"/>.</param>
    /// <returns>The checkpoint's metadata.</returns>
    /// <exception cref="CheckpointException">The file is corrupt, or was saved from another architecture or optimizer; the message says which.</exception>
    public static CheckpointInfo Load(string path, nn.Module model, OptimizerHelper optimizer, OptimizerKind optimizerKind)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        byte[] payload = ReadPayload(path);
        using var reader = new BinaryReader(new MemoryStream(payload));
        CheckpointInfo info = ReadInfo(reader, path);
        List<string> expected = Entries(model);
        if (!info.ModelEntries.SequenceEqual(expected))
        {
            string? saved = info.ModelEntries.Except(expected).FirstOrDefault();
            string? mine = expected.Except(info.ModelEntries).FirstOrDefault();
            throw new CheckpointException(
                $"Checkpoint {path} was saved from a different model (head '{info.HeadSpec}', {info.ModelEntries.Count} tensors) than this one ({expected.Count} tensors): "
                + $"the checkpoint has '{saved ?? "(nothing extra)"}' where this model has '{mine ?? "(nothing extra)"}'.");
        }

        if (info.Optimizer != optimizerKind)
        {
            throw new CheckpointException($"Checkpoint {path} holds {info.Optimizer} state, but the trainer uses {optimizerKind}.");
        }

        try
        {
            using (var modelBytes = new MemoryStream(ReadBlock(reader)))
            {
                model.load(modelBytes, strict: true);
            }

            using (var optimizerBytes = new BinaryReader(new MemoryStream(ReadBlock(reader))))
            {
                optimizer.load_state_dict(optimizerBytes);
            }

            byte[] rng = reader.ReadBytes(reader.ReadInt32());
            using Tensor state = tensor(rng, dtype: ScalarType.Byte);
            set_rng_state(state);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidOperationException or IOException)
        {
            throw new CheckpointException($"Checkpoint {path} could not be restored: {e.Message}", e);
        }

        return info;
    }

    private static CheckpointInfo ReadInfo(BinaryReader reader, string path)
    {
        try
        {
            CheckpointInfo? info = JsonSerializer.Deserialize<CheckpointInfo>(reader.ReadString());
            return info ?? throw new CheckpointException($"Checkpoint {path} has an empty header.");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"Checkpoint {path} has an unreadable header: {e.Message}", e);
        }
    }

    private static byte[] ReadPayload(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new CheckpointException($"Checkpoint {path} does not exist.");
        }

        byte[] file = File.ReadAllBytes(path);
        const int header = 8 + 4 + 8;
        if (file.Length < header + 32 || !file.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new CheckpointException($"{path} is not a SegHeads checkpoint (expected the 'SEGHCKPT' header, file has {file.Length} bytes).");
        }

        int format = BitConverter.ToInt32(file, 8);
        if (format != CheckpointInfo.CurrentFormat)
        {
            throw new CheckpointException($"Checkpoint {path} has format {format}; this version of SegHeads reads format {CheckpointInfo.CurrentFormat}.");
        }

        long length = BitConverter.ToInt64(file, 12);
        if (length < 0 || header + length + 32 != file.Length)
        {
            throw new CheckpointException($"Checkpoint {path} is truncated or padded: header says {length} payload bytes, file has {file.Length - header - 32}.");
        }

        byte[] payload = file.AsSpan(header, (int)length).ToArray();
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(file.AsSpan(header + (int)length, 32)))
        {
            throw new CheckpointException($"Checkpoint {path} is corrupt: its SHA-256 checksum does not match.");
        }

        return payload;
    }

    private static void WriteBlock(BinaryWriter writer, Action<Stream> write)
    {
        using var block = new MemoryStream();
        write(block);

        // NOTE: Module.save closes the stream it is given; MemoryStream.ToArray still works then.
        byte[] bytes = block.ToArray();
        writer.Write((long)bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] ReadBlock(BinaryReader reader)
    {
        long length = reader.ReadInt64();
        return reader.ReadBytes(checked((int)length));
    }

    private static List<string> Entries(nn.Module model) =>
        model.state_dict().Select(kv => $"{kv.Key}:[{string.Join(",", kv.Value.shape)}]:{kv.Value.dtype}").ToList();
}
