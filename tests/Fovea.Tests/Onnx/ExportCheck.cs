using Fovea.Autograd;
using Fovea.Models;
using Fovea.Onnx;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Onnx;

/// <summary>
/// Exports a model, runs the file in ONNX Runtime (the oracle) and re-imports it with Fovea's importer; both must give
/// Fovea's inference-mode outputs within a tolerance, on random inputs at each requested batch size. Returns the
/// largest differences seen, for the test log.
/// </summary>
internal static class ExportCheck
{
    /// <summary>Max |difference| against ONNX Runtime and against the re-imported model, over all batches and
    /// outputs.</summary>
    public readonly record struct Result(double Ort, double? RoundTrip, double Scale)
    {
        public override string ToString() => $"max |Fovea − ORT| {Ort:G3}, " +
            (RoundTrip is { } r ? $"max |Fovea − re-import| {r:G3}" : "not re-imported") +
            $" (largest |output| {Scale:G3})";
    }

    /// <summary>
    /// Runs the check. <paramref name="inputs"/> makes the inputs for a batch size (default: standard normal values
    /// of each input's sample shape); <paramref name="tolerance"/> bounds both differences, as a fraction of the
    /// largest |output| when <paramref name="scaled"/> (for outputs whose rounding grows with their overall scale).
    /// </summary>
    public static Result Run(Model model, double tolerance, int[] batches, string what,
        Func<int, Tensor[]>? inputs = null, bool roundTrip = true, bool scaled = false)
    {
        string dir = Directory.CreateTempSubdirectory("fovea-export-").FullName;
        try
        {
            string path = Path.Combine(dir, "model.onnx");
            OnnxExporter.Save(model, path);
            var declared = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Output
                .Select(o => o.Type.TensorType.Shape.Dim.ToArray()).ToArray();
            var reimported = roundTrip ? OnnxImporter.Load(path) : null;
            using var session = OrtReference.Open(path);
            double ort = 0, round = 0, scale = 0;
            foreach (int batch in batches)
            {
                var x = inputs?.Invoke(batch) ?? RandomInputs(model, batch, new Rng(100 + batch));
                Tensor[] expected;
                using (GradMode.NoGrad())
                    expected = model.Run(x);
                var actual = OrtReference.Run(session, x);
                Assert.Equal(expected.Length, actual.Length);
                var largest = expected.Select(e => e.ToArray().Select(v => Math.Abs((double)v)).DefaultIfEmpty(0)
                    .Max()).ToArray();
                scale = Math.Max(scale, largest.Max());
                var atol = largest.Select(m => scaled ? tolerance * m : tolerance).ToArray();
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.Equal(expected[i].Shape, actual[i].Shape);
                    CheckDeclared(declared[i], actual[i].Shape, batch, what);
                    ort = Math.Max(ort, MaxDiff(expected[i], actual[i]));
                    TensorAssert.Close(expected[i].ToArray(), actual[i].ToArray(), atol[i], 0,
                        $"{what}: ONNX Runtime output {i}, batch {batch}");
                }
                if (reimported is null)
                    continue;
                Tensor[] again;
                using (GradMode.NoGrad())
                    again = reimported.Run(x);
                Assert.Equal(expected.Length, again.Length);
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.Equal(expected[i].Shape, again[i].Shape);
                    round = Math.Max(round, MaxDiff(expected[i], again[i]));
                    TensorAssert.Close(expected[i].ToArray(), again[i].ToArray(), atol[i], 0,
                        $"{what}: re-imported output {i}, batch {batch}");
                }
            }
            return new Result(ort, reimported is null ? null : round, scale);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The output shape the file declares agrees with the one ONNX Runtime produced: the symbolic dimension is the
    /// batch, fixed dimensions are exact, unknown ones (outputs whose axis 0 is not the batch) say nothing.
    /// </summary>
    public static void CheckDeclared(TensorShapeProto.Types.Dimension[] dims, Shape actual, int batch, string what)
    {
        Assert.Equal(actual.Rank, dims.Length);
        for (int d = 0; d < dims.Length; d++)
        {
            if (dims[d].HasDimParam)
                Assert.True(d == 0 && actual[0] == batch, $"{what}: symbolic output axis {d} is not the batch");
            else if (dims[d].HasDimValue)
                Assert.True(dims[d].DimValue == actual[d], $"{what}: output axis {d} is declared {dims[d].DimValue}, " +
                    $"ONNX Runtime gives {actual}");
        }
    }

    /// <summary>Standard normal inputs of every model input's sample shape, with the given batch.</summary>
    public static Tensor[] RandomInputs(Model model, int batch, Rng rng)
    {
        var shapes = model.Inputs.Count > 0 ? model.Inputs.Select(i => i.Shape).ToArray() : [model.SampleShape!.Value];
        return shapes.Select(s => Tensor.RandomNormal(s.WithBatch(batch), rng)).ToArray();
    }

    public static double MaxDiff(Tensor expected, Tensor actual) =>
        expected.ToArray().Zip(actual.ToArray(), (p, q) => Math.Abs((double)p - q)).DefaultIfEmpty(0).Max();
}
