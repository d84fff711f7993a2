using System.Runtime.InteropServices;

namespace SegHeads.Cli;

/// <summary>
/// Turns SIGINT (Ctrl+C) and SIGTERM into a cancellation that a long run checks between steps, so
/// both stop the same way: after the current step, with every output written. The exit code says
/// which signal stopped the run (128 + signal number, as shells report it).
/// </summary>
public sealed class StopSignal : IDisposable
{
    /// <summary>Exit code of a run stopped by SIGINT.</summary>
    public const int InterruptExitCode = 130;

    /// <summary>Exit code of a run stopped by SIGTERM.</summary>
    public const int TerminateExitCode = 143;

    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration[] registrations;

    /// <summary>Starts listening for SIGINT and SIGTERM.</summary>
    public StopSignal()
    {
        registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, InterruptExitCode)),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, TerminateExitCode)),
        ];
    }

    /// <summary>Cancelled when a signal arrives.</summary>
    public CancellationToken Token => source.Token;

    /// <summary>The exit code for the signal received, or <see langword="null"/> when none arrived.</summary>
    public int? ExitCode { get; private set; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in registrations)
        {
            registration.Dispose();
        }

        source.Dispose();
    }

    private void Stop(PosixSignalContext context, int exitCode)
    {
        // NOTE: cancelling the default action keeps the process alive until the run has written its outputs.
        context.Cancel = true;
        ExitCode ??= exitCode;
        source.Cancel();
    }
}
