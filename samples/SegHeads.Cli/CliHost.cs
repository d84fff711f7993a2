using Spectre.Console;
using Spectre.Console.Cli;

namespace SegHeads.Cli;

/// <summary>
/// Runs a sample's single command with the promises every sample keeps: unknown options and stray
/// arguments are errors before any work (with the nearest option), SIGINT and SIGTERM stop the run
/// after the current step with its outputs written and exit 130 or 143, and any unexpected error
/// is one line on standard error and exit code 1, never a stack dump.
/// </summary>
public static class CliHost
{
    /// <summary>Exit code of bad command-line usage.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Exit code of a run that failed.</summary>
    public const int FailureExitCode = 1;

    /// <summary>The signal listener of the running command, for it to pass its token to long work.</summary>
    public static StopSignal? Stop { get; private set; }

    /// <summary>Runs <typeparamref name="TCommand"/>.</summary>
    /// <typeparam name="TCommand">The command.</typeparam>
    /// <typeparam name="TSettings">Its settings.</typeparam>
    /// <param name="args">The command line.</param>
    /// <param name="name">The application name, for help and messages.</param>
    /// <param name="configure">Extra configuration (examples).</param>
    /// <param name="error">Where errors go; standard error by default.</param>
    /// <returns>The exit code.</returns>
    public static int Run<TCommand, TSettings>(string[] args, string name, Action<IConfigurator>? configure = null, TextWriter? error = null)
        where TCommand : class, ICommand<TSettings>
        where TSettings : CommandSettings
    {
        ArgumentNullException.ThrowIfNull(args);
        TextWriter err = error ?? Console.Error;
        if (OptionCheck.FindProblem<TSettings>(args) is string problem)
        {
            err.WriteLine($"{name}: {problem}");
            return UsageExitCode;
        }

        using var stop = new StopSignal();
        Stop = stop;
        try
        {
            var app = new CommandApp<TCommand>();
            app.Configure(config =>
            {
                config.SetApplicationName(name);
                config.Settings.StrictParsing = true;
                config.PropagateExceptions();
                configure?.Invoke(config);
            });
            int code = app.Run(args);
            return stop.ExitCode ?? code;
        }
        catch (OperationCanceledException) when (stop.ExitCode is int signalled)
        {
            err.WriteLine($"{name}: stopped by a signal; outputs written so far are kept.");
            return signalled;
        }
        catch (CommandAppException e)
        {
            err.WriteLine($"{name}: {e.Message}");
            return UsageExitCode;
        }
        catch (Exception e)
        {
            // NOTE: one line for the user; the type tells a developer where to look.
            err.WriteLine($"{name}: error: {e.Message} ({e.GetType().Name})");
            return FailureExitCode;
        }
        finally
        {
            Stop = null;
        }
    }

    /// <summary>Writes an error line in the console's style (for commands that want to fail gracefully).</summary>
    /// <param name="message">The message.</param>
    public static void Fail(string message) =>
        AnsiConsole.MarkupLineInterpolated(System.Globalization.CultureInfo.InvariantCulture, $"[red]error:[/] {message}");
}
