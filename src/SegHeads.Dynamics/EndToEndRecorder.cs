using SegHeads.Heads;
using SegHeads.Training;

namespace SegHeads.Dynamics;

/// <summary>
/// Records a linear head's end-to-end map at every evaluation of a <see cref="Trainer"/> (and once
/// at attachment, the starting map). Dispose it to detach.
/// </summary>
public sealed class EndToEndRecorder : IDisposable
{
    private readonly Trainer trainer;
    private readonly SegmentationHead head;
    private readonly List<EndToEndSnapshot> snapshots = [];

    /// <summary>Attaches to <paramref name="trainer"/> and captures the current map.</summary>
    /// <exception cref="InvalidOperationException">The trainer's head is not linear.</exception>
    public EndToEndRecorder(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        this.trainer = trainer;
        head = trainer.Model.Head;
        snapshots.Add(EndToEndMap.Capture(head, trainer.Step));
        trainer.Evaluated += OnEvaluated;
    }

    /// <summary>Snapshots in step order, starting with the map at attachment.</summary>
    public IReadOnlyList<EndToEndSnapshot> Snapshots => snapshots;

    /// <inheritdoc />
    public void Dispose() => trainer.Evaluated -= OnEvaluated;

    private void OnEvaluated(object? sender, EvaluatedEventArgs e) => snapshots.Add(EndToEndMap.Capture(head, e.Step));
}
