using Fovea.Cli;
using Xunit;

namespace Fovea.Tests.Cli;

/// <summary>Runs the `fovea` command line in-process with the console captured (callers belong to the "Console"
/// collection: Console is global).</summary>
internal static class CliHarness
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        using var outWriter = new StringWriter();
        using var errWriter = new StringWriter();
        Console.SetOut(outWriter);
        Console.SetError(errWriter);
        try
        {
            int code = CliRunner.Run(FoveaCommand.Create(), args);
            return (code, outWriter.ToString(), errWriter.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    /// <summary>A non-zero exit with exactly one "error: ..." line containing <paramref name="contains"/> and no
    /// stack trace.</summary>
    public static void AssertOneErrorLine(int code, string err, string contains)
    {
        Assert.NotEqual(0, code);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(contains, lines[0]);
        Assert.DoesNotContain("   at ", err);
    }
}
