using System.CommandLine;
using System.Globalization;
using Fovea.Models;
using Fovea.Onnx;

namespace Fovea.Cli;

/// <summary><c>fovea export</c>: writes a saved model (a fovea train run folder, or any Model.Save folder) as
/// ONNX.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("model")
        {
            Description = "A saved model folder (model.json + model.safetensors), e.g. a fovea train run folder",
        };
        var output = new Option<string?>("--out")
        {
            Description = "The ONNX file to write (default: MODEL/model.onnx)",
        };
        var command = new Command("export", $"Export a saved model to ONNX (opset {OnnxExporter.Opset}, symbolic " +
            "batch) for ONNX Runtime and other runtimes") { folder, output };
        command.SetAction(r =>
        {
            string dir = r.GetValue(folder)!;
            var model = Model.Load(dir);
            string path = r.GetValue(output) ?? Path.Combine(dir, "model.onnx");
            OnnxExporter.Save(model, path);
            long bytes = new FileInfo(path).Length;
            Console.WriteLine($"exported '{model.Name}' ({model.TypeName}, " +
                $"{model.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters) to {path} " +
                $"({bytes / 1024.0:F1} KB, ONNX opset {OnnxExporter.Opset}, batch axis 'N')");
            return 0;
        });
        return command;
    }
}
