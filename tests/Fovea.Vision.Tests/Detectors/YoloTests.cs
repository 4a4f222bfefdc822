using Fovea.Tensors;
using Fovea.Training;
using Fovea.Vision.Detectors.Yolo;
using Fovea.Vision.Ops;
using Xunit;

namespace Fovea.Vision.Tests.Detectors;

public class YoloTests
{
    [Theory]
    [InlineData(YoloSize.N)]
    [InlineData(YoloSize.S)]
    public void Network_ThreeLevels_ShapesFollowStrides(YoloSize size)
    {
        var net = YoloNetwork.Create(size, classes: 10, imageSize: 64, regMax: 15);
        var outputs = net.Run([Tensor.Zeros([2, 3, 64, 64])]);
        Assert.Equal(3, outputs.Length);
        // Each output is [N, 4·16 + 10, 64/s, 64/s] for s = 8, 16, 32.
        Assert.Equal(new Shape(2, 74, 8, 8), outputs[0].Shape);
        Assert.Equal(new Shape(2, 74, 4, 4), outputs[1].Shape);
        Assert.Equal(new Shape(2, 74, 2, 2), outputs[2].Shape);
    }

    [Fact]
    public void Network_Sizes_GrowFromNToM()
    {
        long n = YoloNetwork.Create(YoloSize.N, 10, 64).ParameterCount;
        long s = YoloNetwork.Create(YoloSize.S, 10, 64).ParameterCount;
        long m = YoloNetwork.Create(YoloSize.M, 10, 64).ParameterCount;
        Assert.True(n < s && s < m, $"parameters n {n}, s {s}, m {m}");
        // YOLOv8n has 3.0 M parameters with 80 classes; ours differs only in the split 1×1 of C2f and 10 classes.
        Assert.InRange(n, 2_500_000, 3_500_000);
    }

    [Fact]
    public void Detector_HeadAndPredict_ShapesAndAnchorCount()
    {
        var det = new YoloDetector(YoloSize.N, classes: 3, imageSize: 64);
        var (box, cls) = det.Head(Tensor.Zeros([1, 3, 64, 64]));
        int anchors = 8 * 8 + 4 * 4 + 2 * 2;
        Assert.Equal(new Shape(1, anchors, 4, 16), box.Shape);
        Assert.Equal(new Shape(1, anchors, 3), cls.Shape);
        Assert.Equal(new Shape(anchors, 2), det.AnchorPoints.Shape);
        det.MaxDetections = 5;
        var d = det.Predict(Tensor.Zeros([2, 3, 64, 64]));
        Assert.Equal(2, d.Count);
        Assert.All(d, x => Assert.InRange(x.Count, 0, 5));
        Assert.Throws<FoveaException>(() => det.Head(Tensor.Zeros([1, 3, 32, 32])));
    }

    [Fact]
    public void Detector_SaveLoad_SameOutputsAndSettings()
    {
        var det = new YoloDetector(YoloSize.N, classes: 2, imageSize: 64, seed: 4, classNames: ["cat", "dog"],
            categoryIds: [3, 7]);
        string dir = Directory.CreateTempSubdirectory("fovea-yolo-save-").FullName;
        try
        {
            det.Save(dir);
            var loaded = YoloDetector.Load(dir);
            Assert.Equal(["cat", "dog"], loaded.ClassNames);
            Assert.Equal([3, 7], loaded.CategoryIds);
            Assert.Equal((YoloSize.N, 64, 15), (loaded.Size, loaded.ImageSize, loaded.RegMax));
            var x = Tensor.RandomUniform([1, 3, 64, 64], new Rng(1));
            Assert.Equal(det.Head(x).ClassLogits.ToArray(), loaded.Head(x).ClassLogits.ToArray());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Anchor points of a 4×4 grid with stride 8: (4, 12, 20, 28)².</summary>
    private static float[] Grid4()
    {
        var p = new List<float>();
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                p.AddRange([j * 8 + 4f, i * 8 + 4f]);
        return [.. p];
    }

    [Fact]
    public void Assigner_BoxCoveringFourPoints_TheyArePositiveWithTargetOne()
    {
        var points = Grid4();
        // Box (0, 0)-(16, 16) contains exactly the points (4, 4), (12, 4), (4, 12), (12, 12): anchors 0, 1, 4, 5.
        float[] gt = [0, 0, 16, 16];
        var pred = new float[16 * 4];
        for (int i = 0; i < 16; i++)
            gt.CopyTo(pred, 4 * i);
        var scores = Enumerable.Repeat(0.5f, 16 * 2).ToArray();
        var (assigned, target) = new TaskAlignedAssigner().Assign(scores, pred, points, gt, [1]);
        int[] expected = [0, 1, 4, 5];
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(expected.Contains(i) ? 0 : -1, assigned[i]);
            // Equal metrics: t / max t · max IoU = 1 · 1.
            Assert.Equal(expected.Contains(i) ? 1f : 0f, target[i], 5);
        }
    }

    [Fact]
    public void Assigner_TopK_KeepsHighestMetricAndNormalises()
    {
        var points = Grid4();
        float[] gt = [0, 0, 16, 16];
        var pred = new float[16 * 4];
        for (int i = 0; i < 16; i++)
            gt.CopyTo(pred, 4 * i);
        // Anchor 5's predicted box is the GT shrunk to (0,0)-(16,8): IoU 0.5. Class-0 scores 0.9 (anchor 0),
        // 0.6 (anchor 1), 0.3 (anchor 4), 0.8 (anchor 5); metric s·u⁶: 0.9, 0.6, 0.3, 0.8/64.
        float[] half = [0, 0, 16, 8];
        half.CopyTo(pred, 4 * 5);
        var scores = new float[16];
        (scores[0], scores[1], scores[4], scores[5]) = (0.9f, 0.6f, 0.3f, 0.8f);
        var (assigned, target) = new TaskAlignedAssigner(topK: 2).Assign(scores, pred, points, gt, [0]);
        Assert.Equal([0, 1], Enumerable.Range(0, 16).Where(i => assigned[i] == 0).ToArray());
        // max IoU over positives 1, max metric 0.9: targets 1 and 0.6 / 0.9.
        Assert.Equal(1f, target[0], 5);
        Assert.Equal(0.6f / 0.9f, target[1], 5);
    }

    [Fact]
    public void Assigner_AnchorInTwoBoxes_GoesToHigherIou()
    {
        var points = Grid4();
        // Both boxes contain anchor 5 (12, 12); its prediction equals box 1, so it goes to box 1.
        float[] gt = [0, 0, 16, 16, 8, 8, 24, 24];
        var pred = new float[16 * 4];
        for (int i = 0; i < 16; i++)
            new float[] { 8, 8, 24, 24 }.CopyTo(pred, 4 * i);
        var scores = Enumerable.Repeat(0.5f, 16).ToArray();
        var (assigned, _) = new TaskAlignedAssigner().Assign(scores, pred, points, gt, [0, 0]);
        Assert.Equal(1, assigned[5]);
        // Anchors 0, 1, 4 lie only in box 0; 6, 9, 10 only in box 1.
        Assert.Equal([0, 0, 0], new[] { assigned[0], assigned[1], assigned[4] });
        Assert.Equal([1, 1, 1], new[] { assigned[6], assigned[9], assigned[10] });
        Assert.Equal(-1, assigned[15]);
    }

    [Fact]
    public void Loss_FewAdamWSteps_Decreases()
    {
        var det = new YoloDetector(YoloSize.N, classes: 2, imageSize: 64, seed: 1);
        var rng = new Rng(3);
        var images = Tensor.RandomUniform([2, 3, 64, 64], rng);
        Tensor[] boxes = [Tensor.FromArray([4f, 6, 30, 40, 34, 10, 60, 30], [2, 4]), Tensor.FromArray([10f, 10, 50, 56],
            [1, 4])];
        IReadOnlyList<int>[] labels = [[0, 1], [1]];
        var opt = new AdamW(learningRate: 2e-3, weightDecay: 0);
        var losses = new List<float>();
        for (int step = 0; step < 8; step++)
        {
            var terms = det.ComputeLoss(images, boxes, labels);
            losses.Add(terms.Total.Item());
            Optimizer.ZeroGrad(det.Network.TrainableWeights);
            terms.Total.Backward();
            opt.Step(det.Network.TrainableWeights);
        }
        Assert.True(losses[^1] < 0.8f * losses[0], $"losses {string.Join(", ", losses)}");
    }

    [Fact]
    public void Loss_HeadGradient_MatchesFiniteDifferences()
    {
        // Two levels of a 16×16 image: stride 8 (2×2 points) and 16 (1 point); regMax 3, 2 classes, 2 images.
        var (points, strides) = DistanceBoxCoder.AnchorPoints([(2, 2), (1, 1)], [8f, 16f]);
        int a = 5, bins = 4, c = 2, n = 2;
        var rng = new Rng(7);
        // Box logits shared by the four sides of an anchor, so every predicted box is a square centred on its
        // point; the ground truth boxes are squares too. Then CIoU's aspect term v is 0 and stays O(h²) under a
        // perturbation h, so its α (held constant in the gradient, as torchvision does) does not show in the
        // finite differences.
        var perAnchor = Tensor.RandomNormal([n, a, 1, bins], rng).ToArray();
        var boxData = new float[n * a * 4 * bins];
        for (int i = 0; i < n * a; i++)
            for (int s = 0; s < 4; s++)
                Array.Copy(perAnchor, i * bins, boxData, (i * 4 + s) * bins, bins);
        var box = Tensor.FromArray(boxData, [n, a, 4, bins]);
        var cls = Tensor.RandomNormal([n, a, c], rng);
        Tensor[] gt = [Tensor.FromArray([1f, 1, 13, 13], [1, 4]), Tensor.FromArray([2f, 3, 14, 15, 0, 0, 9, 9],
            [2, 4])];
        IReadOnlyList<int>[] labels = [[1], [0, 1]];
        var loss = new YoloLoss(regMax: 3, new TaskAlignedAssigner(topK: 10));
        var targets = loss.Assign(box, cls, points, strides, gt, labels);
        Assert.True(targets.Positives.Length >= 3);
        double F(float[] b, float[] k) => loss.Compute(Tensor.FromArray(b, box.Shape), Tensor.FromArray(k, cls.Shape),
            points, strides, targets).Total.Item();

        box.RequiresGrad = true;
        cls.RequiresGrad = true;
        loss.Compute(box, cls, points, strides, targets).Total.Backward();
        var gBox = box.Grad!.ToArray();
        var gCls = cls.Grad!.ToArray();
        var b0 = box.ToArray();
        var k0 = cls.ToArray();
        const float h = 1e-2f;
        // Central differences in float32 with h = 1e−2: truncation O(h²)·|f'''| and rounding ~1e−7·|f|/h, both
        // below 2e−3 for a loss of order 10.
        for (int i = 0; i < b0.Length; i++)
        {
            var p = (float[])b0.Clone();
            var m = (float[])b0.Clone();
            p[i] += h;
            m[i] -= h;
            double fd = (F(p, k0) - F(m, k0)) / (2 * h);
            Assert.True(Math.Abs(fd - gBox[i]) < 2e-3 + 1e-2 * Math.Abs(fd), $"box {i}: fd {fd}, grad {gBox[i]}");
        }
        for (int i = 0; i < k0.Length; i++)
        {
            var p = (float[])k0.Clone();
            var m = (float[])k0.Clone();
            p[i] += h;
            m[i] -= h;
            double fd = (F(b0, p) - F(b0, m)) / (2 * h);
            Assert.True(Math.Abs(fd - gCls[i]) < 2e-3 + 1e-2 * Math.Abs(fd), $"cls {i}: fd {fd}, grad {gCls[i]}");
        }
    }
}
