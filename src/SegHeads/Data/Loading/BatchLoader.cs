using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using static TorchSharp.torch;

namespace SegHeads.Data.Loading;

/// <summary>
/// Delivers the batches of steps <c>[first, end)</c> in order. With a prefetch depth above 0 a
/// dedicated thread reads up to that many batches ahead while the caller trains; with 0 each batch
/// is read when asked for. Both give the same tensors: a batch depends on (dataset, sampler, step)
/// only. Batches belong to the caller once returned; the loader disposes the ones it still holds.
/// </summary>
/// <remarks>
/// One <c>GetBatch</c> call at a time, and none while <see cref="Pause"/> is held, so a dataset
/// need not be thread-safe (it must not be bound to one thread, nor draw from torch's global
/// generator, whose draws would then interleave with the training thread's).
/// </remarks>
internal sealed class BatchLoader : IDisposable
{
    private readonly ISegmentationDataset data;
    private readonly BatchSampler sampler;
    private readonly long end;
    private readonly Thread? worker;
    private readonly BlockingCollection<Item>? queue;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource stop = new();
    private long next;
    private bool disposed;

    public BatchLoader(ISegmentationDataset data, BatchSampler sampler, long first, long end, int prefetch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefetch);
        this.data = data;
        this.sampler = sampler;
        this.end = end;
        next = first;
        if (prefetch > 0 && first < end)
        {
            queue = new BlockingCollection<Item>(prefetch);
            worker = new Thread(() => Produce(first)) { IsBackground = true, Name = "SegHeads batch loader" };
            worker.Start();
        }
    }

    /// <summary>The batch of the next step; rethrows the original exception if reading it failed.</summary>
    public LoadedBatch Next()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (next >= end)
        {
            throw new InvalidOperationException($"The loader delivers steps up to {end - 1}; step {next} is past the end.");
        }

        if (queue is null)
        {
            return LoadedBatch.Load(data, sampler, next++);
        }

        if (!queue.TryTake(out Item item, Timeout.Infinite))
        {
            throw new InvalidOperationException($"The batch loader stopped before step {next}.");
        }

        item.Error?.Throw();
        next++;
        return item.Batch!;
    }

    /// <summary>Waits for the batch being read, if any, and reads no other until the result is disposed (the caller reads the dataset meanwhile).</summary>
    public IDisposable Pause()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        gate.Wait();
        return new Release(gate);
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        stop.Cancel();
        worker?.Join();
        if (queue is not null)
        {
            while (queue.TryTake(out Item item))
            {
                item.Batch?.Dispose();
            }

            queue.Dispose();
        }

        stop.Dispose();
        gate.Dispose();
    }

    private void Produce(long first)
    {
        CancellationToken token = stop.Token;

        // NOTE: the thread has no dispose scope, so the tensors it makes belong to nobody until
        // the consumer takes them; grad mode is per thread and data needs none.
        using var noGrad = no_grad();
        try
        {
            for (long step = first; step < end; step++)
            {
                LoadedBatch batch;
                gate.Wait(token);
                try
                {
                    batch = LoadedBatch.Load(data, sampler, step);
                }
                finally
                {
                    gate.Release();
                }

                try
                {
                    queue!.Add(new Item(batch, null), token);
                }
                catch (OperationCanceledException)
                {
                    batch.Dispose();
                    throw;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposed: the consumer no longer wants batches.
        }
#pragma warning disable CA1031 // Any failure is handed to the consumer, which rethrows it unchanged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            try
            {
                queue!.Add(new Item(null, ExceptionDispatchInfo.Capture(e)), token);
            }
            catch (OperationCanceledException)
            {
                // Disposed before the consumer asked for the failing batch.
            }
        }
        finally
        {
            queue!.CompleteAdding();
        }
    }

    private readonly record struct Item(LoadedBatch? Batch, ExceptionDispatchInfo? Error);

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
