using System.Text.Json.Nodes;
using Fovea.Tensors;
using Fovea.Vision.Ops;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Vision.Tests.Ops;

/// <summary>
/// <see cref="AnchorGenerator"/>, <see cref="DefaultBoxGenerator"/>, <see cref="BoxCoder"/> and
/// <see cref="DistanceBoxCoder"/> against <c>detection_ops.safetensors</c>: torchvision 0.14's AnchorGenerator and
/// DefaultBoxGenerator (given and derived scales, steps, clip) and BoxCoder (three weight sets, the clamp), and the
/// distance coder, integral and distribution focal loss written from the GFL paper's definition in the script.
/// </summary>
public sealed class AnchorsAndCodersGoldenTests(ITestOutputHelper output)
{
    private const string File = "detection_ops";
    private static Golden G => Golden.Load(File);

    public static TheoryData<string> AnchorCases => Golden.CasesOf(File, "anchors");
    public static TheoryData<string> DefaultBoxCases => Golden.CasesOf(File, "default_boxes");
    public static TheoryData<string> CoderCases => Golden.CasesOf(File, "box_coder");
    public static TheoryData<string> DistanceCases => Golden.CasesOf(File, "distance");

    private static List<IReadOnlyList<float>> Floats2(JsonNode n) =>
        n.AsArray().Select(l => (IReadOnlyList<float>)l!.AsArray().Select(v => v!.GetValue<float>()).ToList()).ToList();

    private static List<(int, int)> Grids(JsonNode n) =>
        n.AsArray().Select(g => (g![0]!.GetValue<int>(), g[1]!.GetValue<int>())).ToList();

    [Theory]
    [MemberData(nameof(AnchorCases))]
    public void AnchorGenerator_Case_MatchesTorch(string c)
    {
        var p = G.Params(c);
        var gen = new AnchorGenerator(Floats2(p["sizes"]!), Floats2(p["aspect_ratios"]!));
        var size = p["image_size"]!.AsArray();
        var a = gen.Generate(size[0]!.GetValue<int>(), size[1]!.GetValue<int>(), Grids(p["grids"]!));
        G.Close($"{c}.anchors", a, 0, 0, output); // integers (rounded half widths plus integer shifts): exact
    }

    [Theory]
    [MemberData(nameof(DefaultBoxCases))]
    public void DefaultBoxGenerator_Case_MatchesTorch(string c)
    {
        var p = G.Params(c);
        var scales = p["scales"] is JsonArray s ? s.Select(v => v!.GetValue<double>()).ToList() : null;
        var steps = p["steps"] is JsonArray st ? st.Select(v => v!.GetValue<int>()).ToList() : null;
        var gen = new DefaultBoxGenerator(Floats2(p["aspect_ratios"]!), scales: scales, steps: steps,
            clip: p["clip"]!.GetValue<bool>());
        var size = p["image_size"]!.AsArray();
        var boxes = gen.Generate(size[0]!.GetValue<int>(), size[1]!.GetValue<int>(), Grids(p["grids"]!));
        // Pixel coordinates below 100 from three float32 roundings (centre, half size, scale by the image size).
        G.Close($"{c}.boxes", boxes, 2e-5, 1e-6, output);
    }

    [Theory]
    [MemberData(nameof(CoderCases))]
    public void BoxCoder_Case_MatchesTorch(string c)
    {
        var p = G.Params(c);
        var w = p["weights"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        var coder = new BoxCoder((w[0], w[1], w[2], w[3]), p["bbox_xform_clip"]!.GetValue<float>());
        var anchors = G.Get($"{c}.anchors");
        // Targets: a log or a ratio of coordinates below 40 times weights up to 10: a few ulp of values up to ~50.
        G.Close($"{c}.targets", coder.Encode(G.Get($"{c}.gt"), anchors), 2e-5, 1e-5, output);
        var codes = G.Input($"{c}.codes");
        var decoded = coder.Decode(codes, anchors);
        decoded.Backward(G.Get($"{c}.r"));
        // Decoded boxes can reach exp(4.1)·30 ≈ 2e3: relative tolerance; gradients scale with the box size.
        G.Close($"{c}.decoded", decoded, 1e-4, 1e-5, output);
        G.Close($"{c}.dcodes", codes.Grad, 1e-4, 1e-5, output);
    }

    [Theory]
    [MemberData(nameof(DistanceCases))]
    public void DistanceBoxCoder_Case_MatchesGflDefinition(string c)
    {
        var p = G.Params(c);
        var coder = new DistanceBoxCoder(p["reg_max"]!.GetValue<int>());
        float stride = p["stride"]!.GetValue<float>();
        var points = G.Get($"{c}.points");
        // Distances below the clamp from one subtraction and one division: a few ulp.
        G.Close($"{c}.target", coder.Encode(points, G.Get($"{c}.boxes"), stride), 2e-6, 1e-6, output);
        var ltrb = G.Input($"{c}.ltrb");
        var decoded = coder.Decode(points, ltrb, stride);
        decoded.Backward(G.Get($"{c}.r"));
        G.Close($"{c}.decoded", decoded, 2e-5, 1e-6, output);
        G.Close($"{c}.dltrb", ltrb.Grad, 1e-5, 1e-6, output);

        var logits = G.Input($"{c}.logits");
        var integral = coder.Integral(logits);
        integral.Backward(G.Get($"{c}.r_integral"));
        // Softmax-weighted sums of up to 16 bins (values up to 15).
        G.Close($"{c}.integral", integral, 1e-5, 1e-5, output);
        G.Close($"{c}.dlogits_integral", logits.Grad, 1e-5, 1e-5, output);

        var logits2 = G.Input($"{c}.logits");
        var target = G.Get($"{c}.target");
        G.Close($"{c}.dfl_each", coder.DistributionFocalLoss(logits2, target, LossReduction.None), 1e-5, 1e-5, output);
        var dfl = coder.DistributionFocalLoss(logits2, target);
        dfl.Backward();
        G.Close($"{c}.dfl", dfl, 1e-5, 1e-5, output);
        G.Close($"{c}.dlogits_dfl", logits2.Grad, 1e-6, 1e-5, output);
    }

    [Fact]
    public void DistributionFocalLoss_TargetOnABin_EqualsCrossEntropyOfThatBin()
    {
        // y = 2 exactly: DFL = −log S_2 (the right neighbour has weight 0), a property of the definition.
        var coder = new DistanceBoxCoder(3);
        var logits = Tensor.FromArray([0.1f, -0.3f, 0.7f, 0.2f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 4, 4]);
        var loss = coder.DistributionFocalLoss(logits, Tensor.FromArray([2f, 0, 0, 0], [1, 4]), LossReduction.None);
        double z = Math.Exp(0.1) + Math.Exp(-0.3) + Math.Exp(0.7) + Math.Exp(0.2);
        double first = -(0.7 - Math.Log(z));
        double uniform = Math.Log(4); // the three uniform sides with target 0
        Assert.Equal((first + 3 * uniform) / 4, loss.Item(), 5);
    }

    [Fact]
    public void Generators_BadArguments_ThrowFoveaException()
    {
        var e = Assert.Throws<FoveaException>(() => new AnchorGenerator([[32f]], [[1f], [2f]]));
        Assert.Contains("AnchorGenerator", e.Message);
        var gen = new AnchorGenerator([[32f]], [[1f]]);
        e = Assert.Throws<FoveaException>(() => gen.Generate(64, 64, [(4, 4), (2, 2)]));
        Assert.Contains("received 2", e.Message);
        e = Assert.Throws<FoveaException>(() => new BoxCoder((1, 1, 1, 1)).Decode(Tensor.Zeros([3, 5]),
            Tensor.Zeros([3, 4])));
        Assert.Contains("[3, 5]", e.Message);
    }

    [Fact]
    public void AnchorPoints_TwoLevels_AreCellCentres()
    {
        // Hand-checked: a 2×3 grid of stride 8 then a 1×1 grid of stride 16, offset 0.5.
        var (points, strides) = DistanceBoxCoder.AnchorPoints([(2, 3), (1, 1)], [8f, 16f]);
        Assert.Equal([4f, 4, 12, 4, 20, 4, 4, 12, 12, 12, 20, 12, 8, 8], points.ToArray());
        Assert.Equal([8f, 8, 8, 8, 8, 8, 16], strides.ToArray());
    }

    [Fact]
    public void DistanceBoxCoder_EncodeThenDecode_RecoversBoxesInsideRange()
    {
        // Decode(Encode(b)) = b whenever every distance is below RegMax strides (a property of the definition).
        var coder = new DistanceBoxCoder(15);
        var points = Tensor.FromArray([20f, 30, 50, 40], [2, 2]);
        var boxes = Tensor.FromArray([10f, 12, 40, 44, 45, 30, 90, 41], [2, 4]);
        var back = coder.Decode(points, coder.Encode(points, boxes, 4f), 4f).ToArray();
        var expected = boxes.ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], back[i], 4);
    }
}
