using System.Diagnostics;
using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Onnx;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Onnx;

/// <summary>
/// torchvision's classification, segmentation and video families exported to ONNX by
/// tools/onnx/export_torchvision.py (opsets 9, 13, 17; random weights) import and match ONNX Runtime on a random
/// input. The files are hundreds of megabytes and not committed, so this runs only when FOVEA_TORCHVISION_DIR names
/// the export folder (otherwise it reports itself skipped, as does a model torch could not export). Tolerance: 1e−4 of the largest output magnitude plus
/// 1e−3 relative (random-weight networks have outputs from 1e−14 to 1e12; up to ~1000 layers of float32 sums taken
/// in another order than ONNX Runtime's).
/// </summary>
public sealed class TorchvisionExportTests(ITestOutputHelper output)
{
    private static readonly string? s_dir = Environment.GetEnvironmentVariable("FOVEA_TORCHVISION_DIR");

    public static TheoryData<string> Exports()
    {
        var data = new TheoryData<string>();
        string? manifest = s_dir is null ? null : Path.Combine(s_dir, "manifest.json");
        if (manifest is null || !File.Exists(manifest))
        {
            data.Add("");
            return data;
        }
        foreach (var (key, _) in JsonNode.Parse(File.ReadAllText(manifest))!.AsObject().OrderBy(kv => kv.Key,
            StringComparer.Ordinal))
            data.Add(key);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Exports))]
    public void Export_ImportsAndMatchesOnnxRuntime(string key)
    {
        Skip.If(key.Length == 0, "FOVEA_TORCHVISION_DIR does not name a folder with manifest.json: run " +
            "tools/onnx/export_torchvision.py DIR and set FOVEA_TORCHVISION_DIR=DIR to check");
        var entry = JsonNode.Parse(File.ReadAllText(Path.Combine(s_dir!, "manifest.json")))![key]!;
        Skip.IfNot(entry["exported"]!.GetValue<bool>(), $"{key}: torch could not export it: {entry["error"]}");
        string path = Path.Combine(s_dir!, key + ".onnx");
        var clock = Stopwatch.StartNew();
        var model = OnnxImporter.Load(path);
        double import = clock.Elapsed.TotalSeconds;
        var x = Tensor.RandomUniform(model.Inputs[0].Example.Shape, new Rng(5));
        clock.Restart();
        Tensor y;
        using (GradMode.NoGrad())
            y = model.Run([x])[0];
        double fovea = clock.Elapsed.TotalSeconds;
        clock.Restart();
        Tensor expected;
        string oracle = "ORT";
        try
        {
            expected = OrtReference.Run(path, x)[0];
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException ortError) when (File.Exists(Path.Combine(s_dir!, key + "_output.pb")))
        {
            // ONNX Runtime cannot run some exports (MViT-v2's If branches); PyTorch's own output is the oracle then.
            output.WriteLine($"{key}: ONNX Runtime cannot run this export ({ortError.Message.Split('.')[0]}); comparing with PyTorch");
            x = ConformanceData.ReadTensor(Path.Combine(s_dir!, key + "_input.pb"));
            using (GradMode.NoGrad())
                y = model.Run([x])[0];
            expected = ConformanceData.ReadTensor(Path.Combine(s_dir!, key + "_output.pb"));
            oracle = "PyTorch";
        }
        double ort = clock.Elapsed.TotalSeconds;
        Assert.Equal(expected.Shape, y.Shape);
        var e = expected.ToArray();
        var a = y.ToArray();
        double max = e.Zip(a, (p, q) => Math.Abs((double)p - q)).Max();
        double scale = e.Max(v => Math.Abs((double)v));
        output.WriteLine($"{key}: {model.Layers.Count} layers, import {import:F1}s, Fovea {fovea:F2}s, " +
            $"{oracle} {ort:F2}s, max |diff| {max:G3} (max |output| {scale:G3})");
        TensorAssert.Close(e, a, 1e-4 * scale + 1e-30, 1e-3, key);
        if (oracle == "ORT")
            CheckAnotherBatch(model, x, e, scale, key);
    }

    /// <summary>
    /// Runs a batch of two (the input and a second random sample) and checks the first sample's output against ONNX
    /// Runtime's; graphs that fold the batch into another axis report that they are fixed to their export batch.
    /// </summary>
    private void CheckAnotherBatch(Fovea.Models.Model model, Tensor x, float[] expected, double scale, string key)
    {
        var second = Tensor.RandomUniform(x.Shape, new Rng(6));
        var pair = Functional.Concat([x, second], 0);
        Tensor y;
        try
        {
            using (GradMode.NoGrad())
                y = model.Run([pair])[0];
        }
        catch (FoveaException e)
        {
            output.WriteLine($"{key}: batch 2 is not supported: {e.Message}");
            return;
        }
        var first = y.ToArray().AsSpan(0, expected.Length).ToArray();
        TensorAssert.Close(expected, first, 1e-4 * scale + 1e-30, 1e-3, key + " (sample 0 of a batch of 2)");
        output.WriteLine($"{key}: batch 2 runs and its first sample matches");
    }
}
