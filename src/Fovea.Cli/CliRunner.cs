using System.CommandLine;
using Spectre.Console;

namespace Fovea.Cli;

/// <summary>Runs a command line and turns every user-facing failure into one clear error line and a non-zero exit.</summary>
internal static class CliRunner
{
    public static int Run(RootCommand root, string[] args)
    {
        try
        {
            return root.Parse(args).Invoke();
        }
        catch (Exception e) when (Unwrap(e) is FoveaException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return Fail(Unwrap(e).Message);
        }
    }

    /// <summary>Prints "error: message" to standard error and returns the exit code 1.</summary>
    public static int Fail(string message)
    {
        var err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        err.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return 1;
    }

    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is not null)
            e = e.InnerException!;
        return e;
    }
}
