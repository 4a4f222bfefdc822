using Fovea.Tensors;
using Fovea.Vision.Ops;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Vision.Tests.Ops;

/// <summary>
/// <see cref="Boxes"/> against torchvision 0.14 (<c>tests/golden/detection_ops.safetensors</c>, written by
/// <c>tools/golden/make_detection_ops_golden.py</c>): conversions, area, pairwise IoU/GIoU/DIoU/CIoU (forward and
/// backward), clipping, small-box removal, NMS and batched NMS (same indices in the same order).
/// </summary>
public sealed class BoxesGoldenTests(ITestOutputHelper output)
{
    private const string File = "detection_ops";
    private static Golden G => Golden.Load(File);

    public static TheoryData<string> ConvertCases => Golden.CasesOf(File, "convert");
    public static TheoryData<string> PairwiseCases => Golden.CasesOf(File, "pairwise");
    public static TheoryData<string> NmsCases => Golden.CasesOf(File, "nms");
    public static TheoryData<string> BatchedNmsCases => Golden.CasesOf(File, "batched_nms");
    public static TheoryData<string> RemoveSmallCases => Golden.CasesOf(File, "remove_small");

    private static BoxFormat Format(string f) => f switch
    {
        "xyxy" => BoxFormat.Xyxy,
        "xywh" => BoxFormat.Xywh,
        _ => BoxFormat.CxCyWh,
    };

    [Theory]
    [MemberData(nameof(ConvertCases))]
    public void Convert_Case_MatchesTorch(string c)
    {
        var p = G.Params(c);
        var x = G.Input($"{c}.x");
        var y = Boxes.Convert(x, Format(p["in_fmt"]!.GetValue<string>()), Format(p["out_fmt"]!.GetValue<string>()));
        y.Backward(G.Get($"{c}.r"));
        // Coordinates below 40: one or two float32 roundings (ulp 4e-6); the gradient is a sum of ±1 and ±0.5 terms.
        G.Close($"{c}.y", y, 1e-5, 1e-6, output);
        G.Close($"{c}.dx", x.Grad, 1e-6, 1e-6, output);
    }

    [Fact]
    public void Area_MatchesTorch()
    {
        string c = Golden.FirstCase(File, "area");
        // Products of two differences of coordinates below 40: relative error a few ulp.
        G.Close($"{c}.y", Boxes.Area(G.Get($"{c}.x")), 1e-5, 1e-6, output);
    }

    [Theory]
    [MemberData(nameof(PairwiseCases))]
    public void Pairwise_Case_MatchesTorch(string c)
    {
        var p = G.Params(c);
        float eps = p["eps"]!.GetValue<float>();
        var b1 = G.Input($"{c}.b1");
        var b2 = G.Input($"{c}.b2");
        var y = p["kind"]!.GetValue<string>() switch
        {
            "iou" => Boxes.Iou(b1, b2),
            "giou" => Boxes.GeneralizedIou(b1, b2),
            "diou" => Boxes.DistanceIou(b1, b2, eps),
            _ => Boxes.CompleteIou(b1, b2, eps),
        };
        // Ratios of areas below 1e3 computed in a slightly different order: a few float32 ulp of values of order 1.
        G.Close($"{c}.y", y, 2e-6, 1e-5, output);
        if (!G.Has($"{c}.r"))
            return;
        y.Backward(G.Get($"{c}.r"));
        // Gradients of order 0.1-1 summed over at most 5 pairs, each a chain of ~10 float32 ops.
        G.Close($"{c}.d1", b1.Grad, 1e-5, 1e-4, output);
        G.Close($"{c}.d2", b2.Grad, 1e-5, 1e-4, output);
    }

    [Fact]
    public void ClipToImage_MatchesTorch()
    {
        string c = Golden.FirstCase(File, "clip");
        var size = G.Params(c)["size"]!.AsArray();
        var y = Boxes.ClipToImage(G.Get($"{c}.x"), size[0]!.GetValue<int>(), size[1]!.GetValue<int>());
        G.Close($"{c}.y", y, 0, 0, output); // clamping is exact
    }

    [Theory]
    [MemberData(nameof(RemoveSmallCases))]
    public void RemoveSmall_Case_MatchesTorch(string c)
    {
        float min = G.Params(c)["min_size"]!.GetValue<float>();
        Assert.Equal(G.Ints($"{c}.keep"), Boxes.RemoveSmall(G.Get($"{c}.x"), min));
    }

    [Theory]
    [MemberData(nameof(NmsCases))]
    public void Nms_Case_SameIndicesInSameOrder(string c)
    {
        double t = G.Params(c)["iou_threshold"]!.GetValue<double>();
        Assert.Equal(G.Ints($"{c}.keep"), Boxes.Nms(G.Get($"{c}.boxes"), G.Get($"{c}.scores"), t));
    }

    [Theory]
    [MemberData(nameof(BatchedNmsCases))]
    public void BatchedNms_Case_SameIndicesInSameOrder(string c)
    {
        double t = G.Params(c)["iou_threshold"]!.GetValue<double>();
        var kept = Boxes.BatchedNms(G.Get($"{c}.boxes"), G.Get($"{c}.scores"), G.Ints($"{c}.idxs"), t);
        Assert.Equal(G.Ints($"{c}.keep"), kept);
    }

    [Fact]
    public void Nms_NoBoxes_ReturnsEmpty()
    {
        Assert.Empty(Boxes.Nms(Tensor.Zeros([0, 4]), Tensor.Zeros([0]), 0.5));
        Assert.Empty(Boxes.BatchedNms(Tensor.Zeros([0, 4]), Tensor.Zeros([0]), [], 0.5));
    }

    [Fact]
    public void Nms_ZeroAreaBoxes_NeverSuppressEachOther()
    {
        // IoU of two identical zero-area boxes is 0/0 = NaN, and NaN > t is false (as in torchvision): both kept.
        var boxes = Tensor.FromArray([1f, 1, 1, 1, 1, 1, 1, 1], [2, 4]);
        Assert.Equal([1, 0], Boxes.Nms(boxes, Tensor.FromArray(0.2f, 0.9f), 0.5));
    }

    [Fact]
    public void Ops_BadShapes_ThrowFoveaExceptionWithShape()
    {
        var e = Assert.Throws<FoveaException>(() => Boxes.Iou(Tensor.Zeros([3, 5]), Tensor.Zeros([2, 4])));
        Assert.Contains("[3, 5]", e.Message);
        e = Assert.Throws<FoveaException>(() => Boxes.Nms(Tensor.Zeros([3, 4]), Tensor.Zeros([2]), 0.5));
        Assert.Contains("[2]", e.Message);
        e = Assert.Throws<FoveaException>(() => Boxes.BatchedNms(Tensor.Zeros([3, 4]), Tensor.Zeros([3]), [0, 1], 0.5));
        Assert.Contains("received 2", e.Message);
        e = Assert.Throws<FoveaException>(() => Boxes.Convert(Tensor.Zeros([4]), BoxFormat.Xyxy, BoxFormat.Xywh));
        Assert.Contains("[4]", e.Message);
    }

    [Fact]
    public void EmptyBoxes_ConvertAreaIou_GiveEmptyResults()
    {
        var none = Tensor.Zeros([0, 4]);
        Assert.Equal(new Shape(0, 4), Boxes.Convert(none, BoxFormat.Xyxy, BoxFormat.CxCyWh).Shape);
        Assert.Equal(new Shape(0), Boxes.Area(none).Shape);
        Assert.Equal(new Shape(0, 2), Boxes.Iou(none, Tensor.FromArray([0f, 0, 1, 1, 0, 0, 2, 2], [2, 4])).Shape);
    }
}
