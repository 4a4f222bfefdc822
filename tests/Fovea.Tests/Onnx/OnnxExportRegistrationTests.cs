using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Onnx;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Onnx;

/// <summary>
/// Open export registration: a layer type defined here, outside Fovea, exports once its exporter is registered, and
/// ONNX Runtime computes what Fovea computes.
/// </summary>
public class OnnxExportRegistrationTests
{
    /// <summary>
    /// y = x·scale + 1 with a trainable scale per feature, exported by a <see cref="LayerExporter{TLayer}"/>: Mul by the
    /// weight's initializer, Add of a constant. Tolerance 1e-5: the same float32 products and sums, one rounding each,
    /// on values of order 1 (the Dense layers' Gemm may sum in another order in ORT).
    /// </summary>
    [Fact]
    public void Register_CustomLayerWithExporterClass_ExportsAndRunsInOnnxRuntime()
    {
        OnnxExporter.Register<ScaleShift>(new ScaleShiftExporter());
        var x = Input.Create([4], "x");
        var h = new Dense(3, name: "dense").Call(x);
        h = new ScaleShift("scale").Call(h);
        var y = new Dense(2, name: "head").Call(h);
        var model = new Model(x, y, "custom_export", seed: 3);
        var scale = (ScaleShift)model.GetLayer("scale");
        scale.Scale.Assign([0.5f, -2f, 3f]);
        var input = Tensor.RandomNormal([5, 4], new Rng(11), 0f, 1f);

        var (expected, actual) = ExportAndRun(model, input);

        TensorAssert.Close(expected.ToArray(), actual.ToArray(), 1e-5, 0, "ScaleShift exported by its exporter");
    }

    /// <summary>A registration by function on a Sequential model; ORT must give 3·x exactly (one float32 product
    /// per element, as Fovea).</summary>
    [Fact]
    public void Register_CustomLayerWithFunction_ExportsInASequentialModel()
    {
        OnnxExporter.Register<Tripling>((layer, inputs, context) => inputs[0] with
        {
            Name = context.Node("Mul", [inputs[0].Name, context.Constant([3f], [])]),
        });
        var model = new Sequential([new Tripling("triple")], "tripling", inputShape: [6]);
        var input = Tensor.RandomNormal([2, 6], new Rng(12), 0f, 1f);

        var (expected, actual) = ExportAndRun(model, input);

        TensorAssert.Close(expected.ToArray(), actual.ToArray(), 0, 0, "Tripling exported by a function");
    }

    [Fact]
    public void Export_LayerTypeWithoutExporter_SaysHowToRegisterOne()
    {
        var model = new Sequential([new Unexported("plain")], "unregistered", inputShape: [2]);
        var e = Assert.Throws<FoveaException>(() => OnnxExporter.ToBytes(model));
        Assert.Contains("Unexported 'plain'", e.Message);
        Assert.Contains("has no ONNX export", e.Message);
        Assert.Contains("OnnxExporter.Register<Unexported>", e.Message);
    }

    private static (Tensor Expected, Tensor Actual) ExportAndRun(Model model, Tensor input)
    {
        string dir = Directory.CreateTempSubdirectory("fovea-export-registration-").FullName;
        try
        {
            string path = Path.Combine(dir, "model.onnx");
            OnnxExporter.Save(model, path);
            return (model.Predict(input), OrtReference.Run(path, input)[0]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>y = x·scale + 1 on [N, C], one trainable scale per feature.</summary>
    private sealed class ScaleShift(string? name = null) : Layer(name)
    {
        public Parameter Scale { get; private set; } = null!;

        protected override void Build(Shape inputShape) =>
            Scale = AddWeight("scale", [inputShape[inputShape.Rank - 1]], Initializers.Ones);

        protected override Tensor Forward(Tensor x, bool training) =>
            Functional.Add(Functional.Multiply(x, Scale), Tensor.Scalar(1f));

        public override JsonObject GetConfig() => base.GetConfig();
    }

    private sealed class ScaleShiftExporter : LayerExporter<ScaleShift>
    {
        public override OnnxExportTensor Export(ScaleShift layer, IReadOnlyList<OnnxExportTensor> inputs,
            OnnxExportContext context)
        {
            string scaled = context.Node("Mul", [inputs[0].Name, context.Weight(layer.Scale)], "mul");
            return inputs[0] with { Name = context.Node("Add", [scaled, context.Constant([1f], [])]) };
        }
    }

    private sealed class Tripling(string? name = null) : Layer(name)
    {
        protected override Tensor Forward(Tensor x, bool training) => Functional.Multiply(x, 3f);

        public override JsonObject GetConfig() => base.GetConfig();
    }

    private sealed class Unexported(string? name = null) : Layer(name)
    {
        protected override Tensor Forward(Tensor x, bool training) => Functional.Multiply(x, 2f);

        public override JsonObject GetConfig() => base.GetConfig();
    }
}
