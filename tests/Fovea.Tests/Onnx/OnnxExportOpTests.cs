using Fovea.Onnx;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Onnx;

/// <summary>
/// The canonical ops of imported models that the conformance cases do not reach, each in a one- or few-node ONNX
/// graph with a symbolic batch: imported by Fovea, exported, then (1) ONNX Runtime on the exported file and the
/// re-imported file give Fovea's outputs at every batch listed, and (2) ONNX Runtime gives the same outputs on the
/// exported file as on the original one, at the batches where the original graph is valid. Ops that follow the batch
/// through folded shapes (reshapes to [2N, ...], sizes computed from Shape) exercise the export's batch arithmetic.
/// Tolerance 1e−5 absolute: single ops on values of order 1 to 50.
/// </summary>
public sealed class OnnxExportOpTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    /// <summary>How a case's input is filled: normal values, positive ones (logs, roots, powers), integers 0..4
    /// (indices), or normal values times 10 (truncated to integers by the graph).</summary>
    private enum Values
    {
        Normal,
        Positive,
        Index,
        Wide,
    }

    private sealed record Case(Func<OnnxModelBuilder> Graph, Values Fill, int[] Batches, int[] OriginalBatches);

    private static OnnxModelBuilder G(int opset, params long[] dims) => new OnnxModelBuilder(opset).Input("x", dims);

    private static OnnxModelBuilder Unary(string op, int opset = 14, params (string, object)[] attributes) =>
        G(opset, -1, 3, 4).Node(op, ["x"], ["y"], "op", attributes).Output("y");

    private static long[] L(params long[] v) => v;

    private static Case C(Func<OnnxModelBuilder> graph, Values fill = Values.Normal, int[]? batches = null,
        int[]? original = null) => new(graph, fill, batches ?? [1, 3], original ?? batches ?? [1, 3]);

    private static readonly Dictionary<string, Case> s_cases = new()
    {
        ["Exp"] = C(() => Unary("Exp")),
        ["Log"] = C(() => Unary("Log"), Values.Positive),
        ["Sqrt"] = C(() => Unary("Sqrt"), Values.Positive),
        ["Reciprocal"] = C(() => Unary("Reciprocal"), Values.Positive),
        ["Erf"] = C(() => Unary("Erf")),
        ["Softplus"] = C(() => Unary("Softplus")),
        ["Softsign"] = C(() => Unary("Softsign")),
        ["HardSwish"] = C(() => Unary("HardSwish")),
        ["Sin"] = C(() => Unary("Sin")),
        ["Cos"] = C(() => Unary("Cos")),
        ["Floor"] = C(() => Unary("Floor"), Values.Wide),
        ["Ceil"] = C(() => Unary("Ceil"), Values.Wide),
        ["Round"] = C(() => Unary("Round"), Values.Wide),
        ["Sign"] = C(() => Unary("Sign")),
        ["Elu"] = C(() => Unary("Elu", 14, ("alpha", 0.7f))),
        ["Selu"] = C(() => Unary("Selu", 14, ("alpha", 1.5f), ("gamma", 1.1f))),
        ["Celu"] = C(() => Unary("Celu", 14, ("alpha", 1.3f))),
        ["HardSigmoid"] = C(() => Unary("HardSigmoid", 14, ("alpha", 0.3f), ("beta", 0.6f))),
        ["ThresholdedRelu"] = C(() => Unary("ThresholdedRelu", 14, ("alpha", 0.4f))),
        ["Gelu"] = C(() => Unary("Gelu", 20)),
        ["Gelu tanh"] = C(() => Unary("Gelu", 20, ("approximate", "tanh"))),
        ["Mish"] = C(() => Unary("Mish", 18)),
        ["Clip"] = C(() => G(13, -1, 3, 4).Initializer("lo", [], values: [-0.5f]).Initializer("hi", [], values: [0.8f])
            .Node("Clip", ["x", "lo", "hi"], ["y"]).Output("y")),
        ["Pow scalar exponent"] = C(() => G(13, -1, 3, 4).Initializer("e", [], values: [3f])
            .Node("Pow", ["x", "e"], ["y"]).Output("y")),
        ["Pow tensor exponent"] = C(() => G(13, -1, 3, 4).Initializer("e", [4], values: [0.5f, 1f, 2f, -1f])
            .Node("Pow", ["x", "e"], ["y"]).Output("y"), Values.Positive),
        ["Equal"] = C(() => Compare("Equal", floor: true), Values.Wide),
        ["Less"] = C(() => Compare("Less")),
        ["LessOrEqual"] = C(() => Compare("LessOrEqual", floor: true), Values.Wide),
        ["Greater"] = C(() => Compare("Greater")),
        ["GreaterOrEqual"] = C(() => Compare("GreaterOrEqual")),
        ["And"] = C(() => Logic("And")),
        ["Or"] = C(() => Logic("Or")),
        ["Xor"] = C(() => Logic("Xor")),
        ["Not"] = C(() => G(13, -1, 3, 4).Initializer("z", [], values: [0f]).Node("Greater", ["x", "z"], ["b"])
            .Node("Not", ["b"], ["n"]).Node("Cast", ["n"], ["y"], null, ("to", 1)).Output("y")),
        ["Cast to bool"] = C(() => G(13, -1, 3, 4).Node("Floor", ["x"], ["f"]).Node("Cast", ["f"], ["b"], null,
            ("to", 9)).Node("Cast", ["b"], ["y"], null, ("to", 1)).Output("y"), Values.Wide),
        ["Mod fmod"] = C(() => G(13, -1, 3, 4).Initializer("d", [4], values: [1.5f, -2f, 0.7f, 3f])
            .Node("Mod", ["x", "d"], ["y"], null, ("fmod", 1)).Output("y"), Values.Wide),
        ["Mod of integers, truncating Cast and Div"] = C(() => G(13, -1, 3, 4)
            .Initializer("d", [4], values: [3f, -4f, 5f, 7f], type: OnnxTensors.Int64)
            .Node("Cast", ["x"], ["i"], null, ("to", 7)).Node("Mod", ["i", "d"], ["m"])
            .Node("Div", ["i", "d"], ["q"]).Node("Add", ["m", "q"], ["s"])
            .Node("Cast", ["s"], ["y"], null, ("to", 1)).Output("y"), Values.Wide),
        ["Where"] = C(() => G(13, -1, 3, 4).Initializer("z", [], values: [0f]).Initializer("c", [4])
            .Node("Greater", ["x", "z"], ["b"]).Node("Where", ["b", "x", "c"], ["y"]).Output("y")),
        ["Mean, Max, Min, Sum"] = C(() => G(13, -1, 3, 4).Initializer("c", [4]).Initializer("d", [3, 1])
            .Node("Mean", ["x", "c", "d"], ["a"]).Node("Max", ["x", "c"], ["b"]).Node("Min", ["a", "d"], ["m"])
            .Node("Sum", ["a", "b", "m"], ["y"]).Output("y")),
        ["ReduceMax keepdims 0"] = C(() => Reduce("ReduceMax", [2], 0)),
        ["ReduceMin"] = C(() => Reduce("ReduceMin", [1], 1)),
        ["ReduceSumSquare"] = C(() => Reduce("ReduceSumSquare", [1, 2], 0)),
        ["ReduceL1"] = C(() => Reduce("ReduceL1", [2], 1)),
        ["ReduceL2"] = C(() => Reduce("ReduceL2", [-1], 0)),
        ["ReduceLogSum"] = C(() => Reduce("ReduceLogSum", [2], 1), Values.Positive),
        ["ReduceLogSumExp"] = C(() => Reduce("ReduceLogSumExp", [1], 0)),
        ["ReduceMean over all axes"] = C(() => G(13, -1, 3, 4).Node("ReduceMean", ["x"], ["y"], null,
            ("keepdims", 1)).Output("y")),
        ["ReduceSum axes input"] = C(() => G(13, -1, 3, 4).Initializer("axes", [1], values: [2f],
            type: OnnxTensors.Int64).Node("ReduceSum", ["x", "axes"], ["y"], null, ("keepdims", 0)).Output("y")),
        ["ArgMax"] = C(() => G(13, -1, 3, 4).Node("ArgMax", ["x"], ["i"], null, ("axis", 2), ("keepdims", 0))
            .Node("Cast", ["i"], ["y"], null, ("to", 1)).Output("y")),
        ["ArgMin last index"] = C(() => G(13, -1, 3, 4).Node("Floor", ["x"], ["f"])
            .Node("ArgMin", ["f"], ["i"], null, ("axis", 1), ("select_last_index", 1))
            .Node("Cast", ["i"], ["y"], null, ("to", 1)).Output("y"), Values.Wide),
        ["MatMul of two values"] = C(() => G(13, -1, 3, 4).Node("Transpose", ["x"], ["t"], null,
            ("perm", L(0, 2, 1))).Node("MatMul", ["x", "t"], ["y"]).Output("y")),
        ["Einsum"] = C(() => G(13, -1, 3, 4).Node("Transpose", ["x"], ["t"], null, ("perm", L(0, 2, 1)))
            .Node("Einsum", ["x", "t"], ["y"], null, ("equation", "bij,bjk->bik")).Output("y")),
        ["Gemm transA alpha beta"] = C(() => G(13, -1, 4).Initializer("w", [4, 5]).Initializer("c", [5])
            .Node("Transpose", ["x"], ["t"], null, ("perm", L(1, 0)))
            .Node("Gemm", ["t", "w", "c"], ["y"], null, ("transA", 1), ("alpha", 0.5f), ("beta", 2f)).Output("y")),
        ["Softmax axis 1"] = C(() => Unary("Softmax", 13, ("axis", 1))),
        ["LogSoftmax last axis"] = C(() => Unary("LogSoftmax", 13, ("axis", -1))),
        ["Softmax opset 11 (coerced from axis 1)"] = C(() => Unary("Softmax", 11, ("axis", 1))),
        ["LogSoftmax opset 11 (coerced from axis 1)"] = C(() => Unary("LogSoftmax", 11, ("axis", 1))),
        ["GlobalMaxPool"] = C(() => G(13, -1, 3, 4, 5).Node("GlobalMaxPool", ["x"], ["y"]).Output("y")),
        ["LayerNormalization last axis"] = C(() => G(17, -1, 4, 6).Initializer("s", [6]).Initializer("b", [6])
            .Node("LayerNormalization", ["x", "s", "b"], ["y"], null, ("axis", -1), ("epsilon", 1e-3f))
            .Output("y")),
        ["LayerNormalization two axes, no bias"] = C(() => G(17, -1, 4, 6).Initializer("s", [4, 6])
            .Node("LayerNormalization", ["x", "s"], ["y"], null, ("axis", 1)).Output("y")),
        ["GroupNormalization opset 18"] = C(() => G(18, -1, 4, 3, 3).Initializer("s", [2]).Initializer("b", [2])
            .Node("GroupNormalization", ["x", "s", "b"], ["y"], null, ("num_groups", 2)).Output("y"),
            original: []),
        ["BatchNormalization with computed mean"] = C(() => G(13, -1, 3, 4)
            .Initializer("s", [3]).Initializer("b", [3]).Initializer("v", [3], values: [0.5f, 1f, 2f])
            .Node("ReduceMean", ["x"], ["m"], null, ("axes", L(0, 2)), ("keepdims", 0))
            .Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"]).Output("y")),
        ["Resize nearest scales"] = C(() => Resize("nearest", [1, 1, 2, 1.5f], null)),
        ["Resize linear, sizes from Shape"] = C(() => Resize("linear", null, [2, 6, 10], fromShape: true)),
        ["Resize cubic align_corners"] = C(() => Resize("cubic", [1, 1, 1.5f, 0.5f], null,
            coordinates: "align_corners")),
        ["Resize nearest tf_half_pixel_for_nn floor"] = C(() => Resize("nearest", [1, 1, 1.7f, 2f], null,
            coordinates: "tf_half_pixel_for_nn", nearest: "floor")),
        ["Resize nearest fixed sizes (batch flag)"] = C(() => Resize("nearest", null, [1, 2, 3, 9]), original: [1]),
        ["Expand keeps the batch"] = C(() => G(13, -1, 1, 4).Initializer("shape", [3], values: [1, 3, 4],
            type: OnnxTensors.Int64).Node("Expand", ["x", "shape"], ["y"]).Output("y")),
        ["Expand to a shape from Shape"] = C(() => G(13, -1, 1, 4).Initializer("rest", [2], values: [3, 4],
                type: OnnxTensors.Int64)
            .Node("Shape", ["x"], ["s"]).Node("Slice", ["s", "zero", "one"], ["n"])
            .Initializer("zero", [1], values: [0], type: OnnxTensors.Int64)
            .Initializer("one", [1], values: [1], type: OnnxTensors.Int64)
            .Node("Concat", ["n", "rest"], ["shape"], null, ("axis", 0))
            .Node("Expand", ["x", "shape"], ["y"]).Output("y")),
        ["Tile"] = C(() => G(13, -1, 2, 3).Initializer("r", [3], values: [1, 2, 3], type: OnnxTensors.Int64)
            .Node("Tile", ["x", "r"], ["y"]).Output("y")),
        ["Slice"] = C(() => G(13, -1, 5, 6).Initializer("st", [2], values: [1, -3], type: OnnxTensors.Int64)
            .Initializer("en", [2], values: [4, 1000], type: OnnxTensors.Int64)
            .Initializer("ax", [2], values: [1, 2], type: OnnxTensors.Int64)
            .Node("Slice", ["x", "st", "en", "ax"], ["y"]).Output("y")),
        ["Slice reversed"] = C(() => G(13, -1, 5, 6).Initializer("st", [1], values: [-2], type: OnnxTensors.Int64)
            .Initializer("en", [1], values: [-1000], type: OnnxTensors.Int64)
            .Initializer("ax", [1], values: [2], type: OnnxTensors.Int64)
            .Initializer("sp", [1], values: [-2], type: OnnxTensors.Int64)
            .Node("Slice", ["x", "st", "en", "ax", "sp"], ["y"]).Output("y")),
        ["Pad constant"] = C(() => Pad("constant", [0, 0, 1, 2, 0, 0, 2, 1], 13, 0.5f)),
        ["Pad constant negative (crop)"] = C(() => Pad("constant", [0, 0, -1, 1, 0, 0, 1, -2], 13)),
        ["Pad reflect"] = C(() => Pad("reflect", [0, 0, 2, 1, 0, 0, 1, 3], 13)),
        ["Pad edge"] = C(() => Pad("edge", [0, 0, 3, 0, 0, 0, 1, 4], 13)),
        ["Pad wrap"] = C(() => Pad("wrap", [0, 0, 2, 1, 0, 0, 1, 3], 19)),
        ["DepthToSpace DCR"] = C(() => G(13, -1, 8, 2, 3).Node("DepthToSpace", ["x"], ["y"], null,
            ("blocksize", 2)).Output("y")),
        ["DepthToSpace CRD"] = C(() => G(13, -1, 8, 2, 3).Node("DepthToSpace", ["x"], ["y"], null,
            ("blocksize", 2), ("mode", "CRD")).Output("y")),
        ["SpaceToDepth"] = C(() => G(13, -1, 2, 4, 6).Node("SpaceToDepth", ["x"], ["y"], null, ("blocksize", 2))
            .Output("y")),
        ["ScatterND"] = C(() => ScatterNd("none")),
        ["ScatterND add"] = C(() => ScatterNd("add")),
        ["Gather with indices from the input"] = C(() => G(13, -1, 3).Initializer("table", [5, 6])
            .Node("Cast", ["x"], ["i"], null, ("to", 7)).Node("Gather", ["table", "i"], ["y"]).Output("y"),
            Values.Index),
        ["Gather constant indices"] = C(() => G(13, -1, 4, 3).Initializer("i", [2], values: [2, -4],
            type: OnnxTensors.Int64).Node("Gather", ["x", "i"], ["y"], null, ("axis", 1)).Output("y")),
        ["Concat of a batch-1 constant (class token)"] = C(() => G(13, -1, 4, 6).Initializer("token", [1, 1, 6])
            .Node("Concat", ["token", "x"], ["y"], null, ("axis", 1)).Output("y"), original: [1]),
        ["Transpose moving the batch"] = C(() => G(13, -1, 3, 4).Node("Transpose", ["x"], ["y"], null,
            ("perm", L(1, 0, 2))).Output("y")),
        ["Flatten folding the batch"] = C(() => G(13, -1, 3, 4, 2).Node("Flatten", ["x"], ["y"], null, ("axis", 2))
            .Output("y")),
        ["Attention-like reshapes [N, 4, 6] → [4, 2N, 3] → [N, 24]"] = C(() => AttentionLike()),
        ["Slice with ends from Shape"] = C(() => BatchArithmetic()
            .Initializer("flat", [2], values: [-1, 6], type: OnnxTensors.Int64)
            .Node("Reshape", ["x", "flat"], ["r"]).Node("Mul", ["n", "two"], ["e"])
            .Node("Slice", ["r", "zero", "e", "zero"], ["y"]).Output("y")),
        ["Tile with repeats from Shape"] = C(() => BatchArithmetic()
            .Node("Concat", ["one", "one", "n"], ["repeats"], null, ("axis", 0))
            .Node("Tile", ["x", "repeats"], ["y"]).Output("y")),
        ["Pad with amounts from Shape"] = C(() => BatchArithmetic()
            .Node("Concat", ["zero", "zero", "one", "zero", "zero", "n"], ["pads"], null, ("axis", 0))
            .Node("Pad", ["x", "pads"], ["y"], null, ("mode", "edge")).Output("y")),
        ["PRelu broadcast slope"] = C(() => G(13, -1, 4, 6).Initializer("slope", [1, 6])
            .Node("PRelu", ["x", "slope"], ["y"]).Output("y")),
        ["AveragePool ceil count_include_pad"] = C(() => G(13, -1, 2, 7, 6).Node("AveragePool", ["x"], ["y"], null,
            ("kernel_shape", L(3, 2)), ("strides", L(2, 2)), ("pads", L(1, 0, 1, 1)), ("ceil_mode", 1),
            ("count_include_pad", 1)).Output("y")),
        ["MaxPool ceil dilations"] = C(() => G(13, -1, 2, 7, 7).Node("MaxPool", ["x"], ["y"], null,
            ("kernel_shape", L(2, 2)), ("strides", L(2, 2)), ("dilations", L(2, 1)), ("ceil_mode", 1)).Output("y")),
        ["ConvTranspose strides, output padding, groups"] = C(() => G(13, -1, 4, 3, 3)
            .Initializer("w", [4, 3, 3, 3]).Initializer("b", [6])
            .Node("ConvTranspose", ["x", "w", "b"], ["y"], null, ("strides", L(2, 2)), ("group", 2),
                ("pads", L(1, 0, 1, 1)), ("output_padding", L(1, 0))).Output("y")),
        ["Conv 1-D"] = C(() => G(13, -1, 3, 9).Initializer("w", [4, 3, 3]).Node("Conv", ["x", "w"], ["y"], null,
            ("strides", L(2)), ("pads", L(1, 2))).Output("y")),
    };

    public static TheoryData<string> Cases => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ImportedOp_ExportMatchesFoveaAndTheOriginalInOnnxRuntime(string name)
    {
        var c = s_cases[name];
        var proto = c.Graph().Build();
        var dims = proto.Graph.Input[0].Type.TensorType.Shape.Dim.Select(d => d.HasDimValue ? (int)d.DimValue : -1)
            .ToArray();
        Tensor Input(int batch)
        {
            var rng = new Rng(batch * 7 + name.Length);
            var shape = new Shape(dims.Select(d => d < 0 ? batch : d).ToArray());
            return c.Fill switch
            {
                Values.Positive => Tensor.RandomUniform(shape, rng, 0.5f, 2f),
                Values.Index => Tensor.FromArray(Enumerable.Range(0, shape.Length).Select(_ => (float)rng.NextInt(5))
                    .ToArray(), shape),
                Values.Wide => Tensor.RandomNormal(shape, rng, 0f, 10f),
                _ => Tensor.RandomNormal(shape, rng),
            };
        }
        var model = OnnxImporter.Load(Google.Protobuf.MessageExtensions.ToByteArray(proto), name + ".onnx");
        var result = ExportCheck.Run(model, Tolerance, c.Batches, name, b => [Input(b)]);
        string dir = Directory.CreateTempSubdirectory("fovea-export-op-").FullName;
        try
        {
            string original = Path.Combine(dir, "original.onnx"), exported = Path.Combine(dir, "exported.onnx");
            File.WriteAllBytes(original, Google.Protobuf.MessageExtensions.ToByteArray(proto));
            OnnxExporter.Save(model, exported);
            double max = 0;
            foreach (int batch in c.OriginalBatches)
            {
                var expected = OrtReference.Run(original, Input(batch))[0];
                var actual = OrtReference.Run(exported, Input(batch))[0];
                Assert.Equal(expected.Shape, actual.Shape);
                max = Math.Max(max, ExportCheck.MaxDiff(expected, actual));
                TensorAssert.Close(expected.ToArray(), actual.ToArray(), Tolerance, 0,
                    $"{name}: ONNX Runtime on the original and on the export, batch {batch}");
            }
            output.WriteLine($"{name}: {result}; max |ORT original − ORT export| {max:G3}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Ops that opset 17 cannot express fail naming the layer, the op and why, and write nothing.</summary>
    [Theory]
    [InlineData("AveragePool with dilations", "AveragePool")]
    [InlineData("Resize half_pixel_symmetric", "Resize")]
    public void InexpressibleOp_FailsNamingLayerOpAndReason(string what, string op)
    {
        var graph = op == "AveragePool"
            ? G(19, -1, 2, 6, 6).Node("AveragePool", ["x"], ["y"], "blur", ("kernel_shape", L(2, 2)),
                ("dilations", L(2, 2)))
            : G(19, -1, 2, 4, 4).Initializer("scales", [4], values: [1, 1, 2, 2]).Initializer("roi", [0])
                .Node("Resize", ["x", "roi", "scales"], ["y"], "blur", ("mode", "linear"),
                    ("coordinate_transformation_mode", "half_pixel_symmetric"));
        var model = OnnxImporter.Load(graph.Output("y").Bytes(), what + ".onnx");
        string path = Path.Combine(Path.GetTempPath(), $"fovea-never-written-{Guid.NewGuid():N}.onnx");
        var e = Assert.Throws<FoveaException>(() => OnnxExporter.Save(model, path));
        Assert.Contains("OnnxOp 'blur'", e.Message);
        Assert.Contains($"(op '{op}')", e.Message);
        Assert.Contains("needs opset 19", e.Message);
        Assert.False(File.Exists(path));
        output.WriteLine(e.Message);
    }

    private static OnnxModelBuilder Compare(string op, bool floor = false)
    {
        var g = G(13, -1, 3, 4).Initializer("c", [4], values: [0f, 0.5f, -1f, 3f]);
        string input = "x";
        if (floor)
        {
            g.Node("Floor", ["x"], ["f"]);
            input = "f";
        }
        return g.Node(op, [input, "c"], ["b"]).Node("Cast", ["b"], ["y"], null, ("to", 1)).Output("y");
    }

    private static OnnxModelBuilder Logic(string op) => G(13, -1, 3, 4)
        .Initializer("z", [], values: [0f]).Initializer("c", [4], values: [0.3f, -0.2f, 1f, -1f])
        .Node("Greater", ["x", "z"], ["a"]).Node("Less", ["x", "c"], ["b"]).Node(op, ["a", "b"], ["l"])
        .Node("Cast", ["l"], ["y"], null, ("to", 1)).Output("y");

    private static OnnxModelBuilder Reduce(string op, long[] axes, int keep) => G(13, -1, 3, 4)
        .Node(op, ["x"], ["y"], null, ("axes", axes), ("keepdims", keep)).Output("y");

    private static OnnxModelBuilder Resize(string mode, float[]? scales, long[]? sizes, bool fromShape = false,
        string coordinates = "half_pixel", string nearest = "round_prefer_floor")
    {
        var g = G(13, -1, 2, 4, 6).Initializer("roi", [0]);
        string scalesName = "", sizesName = "";
        if (scales is not null)
        {
            g.Initializer("scales", [4], values: scales);
            scalesName = "scales";
        }
        else if (fromShape)
        {
            g.Initializer("rest", [3], values: sizes!.Select(v => (float)v).ToArray(), type: OnnxTensors.Int64)
                .Initializer("zero", [1], values: [0], type: OnnxTensors.Int64)
                .Initializer("one", [1], values: [1], type: OnnxTensors.Int64)
                .Node("Shape", ["x"], ["s"]).Node("Slice", ["s", "zero", "one"], ["n"])
                .Node("Concat", ["n", "rest"], ["sizes"], null, ("axis", 0));
            sizesName = "sizes";
        }
        else
        {
            g.Initializer("sizes", [4], values: sizes!.Select(v => (float)v).ToArray(), type: OnnxTensors.Int64);
            sizesName = "sizes";
        }
        var inputs = sizesName.Length > 0 ? new[] { "x", "roi", "", sizesName } : ["x", "roi", scalesName];
        return g.Node("Resize", inputs, ["y"], null, ("mode", mode), ("coordinate_transformation_mode", coordinates),
            ("nearest_mode", nearest)).Output("y");
    }

    private static OnnxModelBuilder Pad(string mode, long[] pads, int opset, float value = 0f) =>
        G(opset, -1, 2, 4, 5).Initializer("pads", [8], values: pads.Select(p => (float)p).ToArray(),
            type: OnnxTensors.Int64).Initializer("value", [], values: [value])
        .Node("Pad", mode == "constant" ? ["x", "pads", "value"] : ["x", "pads"], ["y"], null, ("mode", mode))
        .Output("y");

    private static OnnxModelBuilder ScatterNd(string reduction) => G(16, -1, 4, 3)
        .Initializer("indices", [2, 2], values: [0, 1, 0, 3], type: OnnxTensors.Int64)
        .Initializer("updates", [2, 3])
        .Node("ScatterND", ["x", "indices", "updates"], ["y"], null, ("reduction", reduction)).Output("y");

    /// <summary>Input x [N, 4, 6], n = [N] computed from Shape(x), and the int64 constants zero, one, two.</summary>
    private static OnnxModelBuilder BatchArithmetic() => G(13, -1, 4, 6)
        .Initializer("zero", [1], values: [0f], type: OnnxTensors.Int64)
        .Initializer("one", [1], values: [1f], type: OnnxTensors.Int64)
        .Initializer("two", [1], values: [2f], type: OnnxTensors.Int64)
        .Node("Shape", ["x"], ["s"]).Node("Slice", ["s", "zero", "one"], ["n"]);

    /// <summary>The graph of <see cref="OnnxBatchTests"/>: shapes computed from Shape(x), which fold the batch into
    /// another axis.</summary>
    internal static OnnxModelBuilder AttentionLike() => G(13, -1, 4, 6)
        .Initializer("zero", [1], values: [0f], type: OnnxTensors.Int64)
        .Initializer("two", [], values: [2f], type: OnnxTensors.Int64)
        .Initializer("four", [1], values: [4f], type: OnnxTensors.Int64)
        .Initializer("three", [1], values: [3f], type: OnnxTensors.Int64)
        .Initializer("minus_one", [1], values: [-1f], type: OnnxTensors.Int64)
        .Node("Shape", ["x"], ["s"])
        .Node("Gather", ["s", "zero"], ["n"], null, ("axis", 0))
        .Node("Mul", ["n", "two"], ["n2"])
        .Node("Transpose", ["x"], ["t"], null, ("perm", L(1, 0, 2)))
        .Node("Concat", ["four", "n2", "three"], ["target"], null, ("axis", 0))
        .Node("Reshape", ["t", "target"], ["r"])
        .Node("Transpose", ["r"], ["r2"], null, ("perm", L(1, 0, 2)))
        .Node("Concat", ["n", "minus_one"], ["target2"], null, ("axis", 0))
        .Node("Reshape", ["r2", "target2"], ["y"])
        .Output("y");
}
