using System.CommandLine;

namespace Fovea.Cli;

/// <summary>Runs a command line and turns every user-facing failure into one clear error line and a non-zero exit.</summary>
internal static class CliRunner
{
    public static int Run(RootCommand root, string[] args)
    {
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Unwrap(e) is FoveaException or ArgumentException or IOException or UnauthorizedAccessException
            or InvalidDataException or OutOfMemoryException)
        {
            return Fail(Unwrap(e).Message);
        }
        catch (Exception e)
        {
            // A bug in Fovea, not a user error: still one line, plus where to look.
            var inner = Unwrap(e);
            return Fail($"internal error ({inner.GetType().Name}): {inner.Message}; please report it with the command line used" +
                (Environment.GetEnvironmentVariable("FOVEA_DEBUG") == "1" ? "\n" + inner : " (FOVEA_DEBUG=1 shows the stack trace)"));
        }
    }

    /// <summary>Prints "error: message" to standard error and returns the exit code 1.</summary>
    public static int Fail(string message)
    {
        // Plain text on one line (no wrapping), red only on a terminal.
        string flat = message.ReplaceLineEndings(" ");
        Console.Error.WriteLine(Console.IsErrorRedirected ? $"error: {flat}" : $"\u001b[31merror:\u001b[0m {flat}");
        return 1;
    }

    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is not null)
            e = e.InnerException!;
        return e;
    }
}
