using System.CommandLine;

namespace Fovea.Cli;

/// <summary>The `fovea` command line: its verbs.</summary>
internal static class FoveaCommand
{
    public static RootCommand Create() => new(
        "Fovea: convolutional neural networks in pure C#. Train, fine-tune, run, inspect and export models on the " +
        "CPU.")
    {
        TrainCommand.Create(),
        SummaryCommand.Create(),
        RunCommand.Create(),
        FinetuneCommand.Create(),
        ExportCommand.Create(),
        ZooCommand.Create(),
        EvaluateDetectionsCommand.Create(),
        DetectCommand.Create(),
        ExplainCommand.Create(),
        TuneCommand.Create(),
        SegmentCommand.Create(),
    };
}
