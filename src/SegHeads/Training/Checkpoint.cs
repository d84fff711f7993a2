using System.Security.Cryptography;
using System.Text.Json;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Training;

/// <summary>
/// Reads and writes checkpoints: model state, optimizer state, step, seed and torch's RNG state in one
/// file with a SHA-256 checksum. Writes go to one fixed temporary file beside the target
/// (<see cref="TemporaryPath"/>) that is renamed over it, so a crash never leaves a torn checkpoint and
/// at most one stale temporary file, which the next save replaces. Loads are transactional: everything
/// is checked before anything changes.
/// </summary>
/// <remarks>Layout: <c>"SEGHCKPT"</c>, int32 format, int64 payload length, payload, SHA-256 of the payload.</remarks>
public static class Checkpoint
{
    /// <summary>Suffix of the temporary file a save writes before renaming it over the target.</summary>
    public const string TemporarySuffix = ".segheads-tmp";

    private static readonly byte[] Magic = "SEGHCKPT"u8.ToArray();

    /// <summary>The temporary file a save of <paramref name="path"/> writes first: <c>&lt;full path&gt;.segheads-tmp</c>.</summary>
    /// <param name="path">The checkpoint's path.</param>
    public static string TemporaryPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Path.GetFullPath(path) + TemporarySuffix;
    }

    /// <summary>Writes a checkpoint atomically (one writer per path at a time).</summary>
    /// <param name="path">Target file; its folder is created if needed.</param>
    /// <param name="model">The model.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="info">Metadata; <see cref="CheckpointInfo.ModelEntries"/> and <see cref="CheckpointInfo.OptimizerType"/> are filled in.</param>
    /// <exception cref="CheckpointException">The file cannot be written; the message names it and why. The previous checkpoint, if any, is intact.</exception>
    public static void Save(string path, nn.Module model, OptimizerHelper optimizer, CheckpointInfo info)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(info);
        info = info with
        {
            ModelEntries = Entries(model),
            OptimizerType = optimizer.GetType().Name,
            SavedUtc = DateTime.UtcNow,
            Format = CheckpointInfo.CurrentFormat,
        };

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

        string full = CheckpointPath.Resolve(path);
        string temp = full + TemporarySuffix;
        try
        {
            // NOTE: a fixed name (not a random one) means a process killed mid-write leaves at most
            // one stale file, and this save replaces it.
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"Could not write checkpoint {full}: {e.Message}", e);
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

    /// <summary>
    /// Restores a checkpoint into a model and optimizer built like the ones saved, and restores torch's
    /// RNG state. Transactional: the file, the model's tensors (keys, shapes, dtypes) and the optimizer
    /// are checked first; if anything fails, the model, optimizer and RNG are left as they were.
    /// </summary>
    /// <param name="path">The checkpoint.</param>
    /// <param name="model">A model with the same architecture.</param>
    /// <param name="optimizer">An optimizer of the saved kind over that model's parameters.</param>
    /// <param name="optimizerKind">The kind of <paramref name="optimizer"/>.</param>
    /// <returns>The checkpoint's metadata.</returns>
    /// <exception cref="CheckpointException">The file is corrupt, or was saved from another architecture or optimizer; the message says which.</exception>
    public static CheckpointInfo Load(string path, nn.Module model, OptimizerHelper optimizer, OptimizerKind optimizerKind) =>
        Load(path, model, optimizer, optimizerKind, check: null);

    /// <summary>
    /// Restores only the model's weights and buffers (for evaluation or deployment); the optimizer
    /// state and torch's RNG are left alone. Transactional like <see cref="Load(string, nn.Module, OptimizerHelper, OptimizerKind)"/>.
    /// </summary>
    /// <param name="path">The checkpoint.</param>
    /// <param name="model">A model with the same architecture.</param>
    /// <returns>The checkpoint's metadata.</returns>
    /// <exception cref="CheckpointException">The file is corrupt, or was saved from another architecture; the message says which.</exception>
    public static CheckpointInfo LoadWeights(string path, nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Contents contents = Parse(ReadPayload(path), path);
        RequireSameModel(contents.Info, model, path);
        byte[] before = Serialize(s => model.save(s));
        try
        {
            LoadModel(contents.Model, model);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidOperationException or IOException)
        {
            LoadModel(before, model);
            throw new CheckpointException($"Checkpoint {path} could not be restored (nothing was changed): {e.Message}", e);
        }

        return contents.Info;
    }

    /// <summary>
    /// <see cref="Load(string, nn.Module, OptimizerHelper, OptimizerKind)"/> with an extra check of the
    /// metadata (returning an error message, or <see langword="null"/> to accept), run before anything changes.
    /// </summary>
    internal static CheckpointInfo Load(string path, nn.Module model, OptimizerHelper optimizer, OptimizerKind optimizerKind, Func<CheckpointInfo, string?>? check)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        byte[] payload = ReadPayload(path);
        Contents contents = Parse(payload, path);
        CheckpointInfo info = contents.Info;
        RequireSameModel(info, model, path);
        if (info.Optimizer != optimizerKind)
        {
            throw new CheckpointException($"Checkpoint {path} holds {info.Optimizer} state, but the trainer uses {optimizerKind}.");
        }

        CheckOptimizerBlock(contents.Optimizer, optimizer, path);
        using (Tensor current = get_rng_state())
        {
            if (contents.Rng.Length != current.numel())
            {
                throw new CheckpointException($"Checkpoint {path} holds an RNG state of {contents.Rng.Length} bytes, but torch's generator here has {current.numel()}.");
            }
        }

        if (check?.Invoke(info) is string problem)
        {
            throw new CheckpointException($"Checkpoint {path} {problem}");
        }

        Apply(contents, model, optimizer, path);
        return info;
    }

    private static void RequireSameModel(CheckpointInfo info, nn.Module model, string path)
    {
        List<string> expected = Entries(model);
        if (!info.ModelEntries.SequenceEqual(expected))
        {
            string? saved = info.ModelEntries.Except(expected).FirstOrDefault();
            string? mine = expected.Except(info.ModelEntries).FirstOrDefault();
            throw new CheckpointException(
                $"Checkpoint {path} was saved from a different model (head '{info.HeadSpec}', {info.ModelEntries.Count} tensors) than this one ({expected.Count} tensors): "
                + $"the checkpoint has '{saved ?? "(nothing extra)"}' where this model has '{mine ?? "(nothing extra)"}'.");
        }
    }

    private static void LoadModel(byte[] bytes, nn.Module model)
    {
        using var stream = new MemoryStream(bytes);
        model.load(stream, strict: true);
    }

    private static void Apply(Contents contents, nn.Module model, OptimizerHelper optimizer, string path)
    {
        // NOTE: everything checkable was checked; the snapshots guard against a failure inside
        // TorchSharp's loaders, so that a failed load still changes nothing.
        byte[] modelBefore = Serialize(s => model.save(s));
        byte[] optimizerBefore = Serialize(s =>
        {
            using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true);
            optimizer.save_state_dict(w);
        });
        try
        {
            Restore(contents.Model, contents.Optimizer, model, optimizer);
            using Tensor state = tensor(contents.Rng, dtype: ScalarType.Byte);
            set_rng_state(state);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidOperationException or IOException or InvalidDataException)
        {
            Restore(modelBefore, optimizerBefore, model, optimizer);
            throw new CheckpointException($"Checkpoint {path} could not be restored (nothing was changed): {e.Message}", e);
        }
    }

    private static void Restore(byte[] modelBytes, byte[] optimizerBytes, nn.Module model, OptimizerHelper optimizer)
    {
        LoadModel(modelBytes, model);
        using var reader = new BinaryReader(new MemoryStream(optimizerBytes));
        optimizer.load_state_dict(reader);
    }

    private static void CheckOptimizerBlock(byte[] block, OptimizerHelper optimizer, string path)
    {
        // NOTE: TorchSharp's optimizer stream starts with the type name and two LEB128 counts
        // (parameter groups, per-parameter states); checking them here keeps a mismatch from
        // failing halfway through load_state_dict.
        try
        {
            using var reader = new BinaryReader(new MemoryStream(block));
            string type = reader.ReadString();
            if (type != optimizer.GetType().Name)
            {
                throw new CheckpointException($"Checkpoint {path} holds the state of a {type} optimizer, but the trainer's optimizer is a {optimizer.GetType().Name}.");
            }

            long groups = ReadLeb128(reader);
            long states = ReadLeb128(reader);
            var mine = optimizer.state_dict();
            if (groups != mine.Options.Count || states != mine.State.Count)
            {
                throw new CheckpointException(
                    $"Checkpoint {path} holds optimizer state for {groups} parameter group(s) and {states} parameter(s), but the trainer's optimizer has {mine.Options.Count} and {mine.State.Count}.");
            }
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException($"Checkpoint {path} has a truncated optimizer block.", e);
        }
    }

    private static long ReadLeb128(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new EndOfStreamException("Optimizer state count is not a valid LEB128 number.");
    }

    private static Contents Parse(byte[] payload, string path)
    {
        using var reader = new BinaryReader(new MemoryStream(payload));
        CheckpointInfo info = ReadInfo(reader, path);
        try
        {
            byte[] model = ReadBlock(reader);
            byte[] optimizer = ReadBlock(reader);
            byte[] rng = reader.ReadBytes(reader.ReadInt32());
            return new Contents(info, model, optimizer, rng);
        }
        catch (Exception e) when (e is EndOfStreamException or OverflowException or ArgumentOutOfRangeException)
        {
            throw new CheckpointException($"Checkpoint {path} has a truncated payload: {e.Message}", e);
        }
    }

    private static CheckpointInfo ReadInfo(BinaryReader reader, string path)
    {
        try
        {
            CheckpointInfo? info = JsonSerializer.Deserialize<CheckpointInfo>(reader.ReadString());
            return info ?? throw new CheckpointException($"Checkpoint {path} has an empty header.");
        }
        catch (Exception e) when (e is JsonException or EndOfStreamException)
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

    private static byte[] Serialize(Action<Stream> write)
    {
        using var block = new MemoryStream();
        write(block);

        // NOTE: Module.save closes the stream it is given; MemoryStream.ToArray still works then.
        return block.ToArray();
    }

    private static void WriteBlock(BinaryWriter writer, Action<Stream> write)
    {
        byte[] bytes = Serialize(write);
        writer.Write((long)bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] ReadBlock(BinaryReader reader)
    {
        long length = reader.ReadInt64();
        byte[] bytes = reader.ReadBytes(checked((int)length));
        return bytes.Length == length ? bytes : throw new EndOfStreamException($"A block says {length} bytes, but only {bytes.Length} remain.");
    }

    private static List<string> Entries(nn.Module model) =>
        model.state_dict().Select(kv => $"{kv.Key}:[{string.Join(",", kv.Value.shape)}]:{kv.Value.dtype}").ToList();

    private sealed record Contents(CheckpointInfo Info, byte[] Model, byte[] Optimizer, byte[] Rng);
}
