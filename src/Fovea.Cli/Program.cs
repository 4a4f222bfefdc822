using System.CommandLine;
using Fovea.Cli;

var root = new RootCommand(
    "Fovea: convolutional neural networks in pure C#. Train, inspect and benchmark models on the CPU.")
{
    TrainCommand.Create(),
    SummaryCommand.Create(),
};
return CliRunner.Run(root, args);
