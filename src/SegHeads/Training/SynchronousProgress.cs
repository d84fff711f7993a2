namespace SegHeads.Training;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler on the reporting thread, before
/// <c>Report</c> returns. Unlike <see cref="Progress{T}"/>, which posts to the captured
/// synchronization context (the thread pool in a console app) so that reports can arrive out of
/// order and after <see cref="Trainer.Fit"/> has returned, reports arrive in order and never after
/// the run. The handler runs on the training thread: keep it short.
/// </summary>
/// <typeparam name="T">The report type, e.g. <see cref="TrainingProgress"/>.</typeparam>
/// <param name="handler">Called with every report.</param>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    private readonly Action<T> handler = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <inheritdoc />
    public void Report(T value) => handler(value);
}
