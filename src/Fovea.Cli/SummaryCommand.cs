using System.CommandLine;
using Fovea.Models;
using Fovea.Models.Zoo;

namespace Fovea.Cli;

/// <summary><c>fovea summary</c>: prints the Keras-style summary of the reference CNN, a saved model or an ONNX file.
/// </summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model")
        {
            Description = "An ONNX file or a saved model folder (from fovea train or fovea finetune); default: the " +
                "reference CNN",
        };
        var input = new Option<string>("--input-shape")
        {
            Description = "Sample shape C,H,W for the reference CNN",
            DefaultValueFactory = _ => "1,28,28",
        };
        var command = new Command("summary", "Print a model's layers, output shapes and parameter counts") { model, input };
        command.SetAction(r =>
        {
            Model m;
            if (r.GetValue(model) is { } path)
            {
                m = ModelSource.Load(path);
            }
            else
            {
                var shape = ParseShape(r.GetValue(input)!);
                m = ReferenceCnn.Create(inputShape: shape);
            }
            m.Summary();
            return 0;
        });
        return command;
    }

    internal static int[] ParseShape(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], out dims[i]) || dims[i] <= 0)
                throw new FoveaException($"--input-shape: '{text}' is not a list of positive integers like 3,32,32");
        }
        return dims;
    }
}
