using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Fovea.IO;
using Fovea.Models;

namespace Fovea.Cli;

/// <summary>
/// <c>fovea run</c>: runs a model (ONNX file, saved folder, or <c>zoo:&lt;torchvision name&gt;</c> with a torchvision
/// state dict given by <c>--weights</c>) on the samples of a NumPy .npy file [N, ...] and writes its output [N, ...]
/// to another .npy file (float32, written atomically). Zoo models are built for the input's sample shape and run in
/// eval mode.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "An ONNX file, a saved model folder (model.json + model.safetensors), or zoo:<name> (a " +
                "torchvision name that fovea zoo lists, e.g. zoo:resnet50; needs --weights)",
            Required = true,
        };
        var weights = new Option<string?>("--weights")
        {
            Description = "For zoo:<name>: the torchvision state dict as safetensors (as " +
                "safetensors.torch.save_file(model.state_dict(), path) writes it)",
        };
        var input = new Option<string>("--input")
        {
            Description = "A .npy file with the samples [N, ...] (float32; float64, float16 and integer types are " +
                "converted)",
            Required = true,
        };
        var output = new Option<string>("--output") { Description = "The .npy file to write", Required = true };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Samples per forward pass",
            DefaultValueFactory = _ => 32,
        };
        var command = new Command("run", "Run a model on the samples of a .npy file and save its output as .npy")
        {
            model, weights, input, output, batchSize,
        };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(weights), r.GetValue(input)!, r.GetValue(output)!,
            r.GetValue(batchSize)));
        return command;
    }

    private static int Run(string modelPath, string? weightsPath, string inputPath, string outputPath, int batchSize)
    {
        if (batchSize <= 0)
            return CliRunner.Fail($"--batch-size must be positive, received {batchSize}");
        Model m;
        Tensors.Tensor x;
        bool zoo = ModelSource.IsZoo(modelPath);
        if (zoo)
        {
            if (weightsPath is null)
                return CliRunner.Fail($"--model {modelPath} needs --weights FILE.safetensors (a torchvision state dict)");
            x = Npy.Load(inputPath);
            if (x.Rank < 2 || x.Shape[0] == 0)
                return CliRunner.Fail($"'{inputPath}' holds an array of shape {x.Shape}; expected [N, 3, H, W] with N > 0");
            m = ModelSource.LoadZoo(modelPath, x.Shape.WithoutBatch().ToArray(), weightsPath);
        }
        else
        {
            if (weightsPath is not null)
                return CliRunner.Fail($"--weights is for zoo:<name> models; '{modelPath}' carries its own weights");
            m = ModelSource.Load(modelPath);
            x = Npy.Load(inputPath);
        }
        // A zoo model is built for the input's shape; one with auxiliary heads (GoogLeNet, Inception-v3) predicts
        // with its first output, as torchvision's eval mode returns only that.
        var expected = zoo ? m.Inputs[0].Shape : ExpectedSample(m, modelPath);
        if (x.Rank != expected.Rank + 1 || x.Shape.WithoutBatch() != expected || x.Shape[0] == 0)
        {
            return CliRunner.Fail($"'{inputPath}' holds an array of shape {x.Shape}; model '{modelPath}' expects " +
                $"[N, {string.Join(", ", expected)}] with N > 0");
        }
        var clock = Stopwatch.StartNew();
        var y = zoo ? m.PredictAll([x], batchSize)[0] : m.Predict(x, batchSize);
        Npy.Save(outputPath, y);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {outputPath}: {y.Shape} for {x.Shape[0]} samples ({clock.Elapsed.TotalSeconds:F2} s)"));
        return 0;
    }

    /// <summary>The per-sample input shape of a model with one input and one output.</summary>
    private static Tensors.Shape ExpectedSample(Model m, string path)
    {
        if (m.Inputs.Count > 1 || m.Outputs.Count > 1)
            throw new FoveaException($"model '{path}' has {m.Inputs.Count} inputs and {m.Outputs.Count} outputs; " +
                "fovea run takes one input and writes one output");
        return m.Inputs.Count == 1 ? m.Inputs[0].Shape
            : m.SampleShape ?? throw new FoveaException($"model '{path}' has no input shape");
    }
}
