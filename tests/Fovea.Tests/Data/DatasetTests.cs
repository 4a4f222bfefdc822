using Fovea.Data;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data;

public class DatasetTests
{
    /// <summary>N samples [1, 2, 2] whose values all equal the sample index, labelled by <paramref name="labelOf"/>.
    /// </summary>
    internal static Dataset Indexed(int n, Func<int, int> labelOf)
    {
        float[] x = new float[n * 4];
        float[] y = new float[n];
        for (int i = 0; i < n; i++)
        {
            x.AsSpan(i * 4, 4).Fill(i);
            y[i] = labelOf(i);
        }
        return new Dataset(Tensor.Wrap(x, [n, 1, 2, 2]), Tensor.Wrap(y, [n]));
    }

    /// <summary>The sample indices of a dataset made by <see cref="Indexed"/>, in its order.</summary>
    internal static int[] SampleIds(Tensor features)
    {
        int row = features.Length / Math.Max(features.Shape[0], 1);
        var x = features.AsReadOnlySpan();
        int[] ids = new int[features.Shape[0]];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = (int)x[i * row];
        return ids;
    }

    [Fact]
    public void Constructor_ClassMapLabels_LoaderBatchesCarryEachSamplesOwnMap()
    {
        // Sample i is filled with i and its [2, 3] class map is i·10 + pixel: a batch must pair them row by row.
        const int n = 5;
        float[] maps = new float[n * 6];
        for (int i = 0; i < maps.Length; i++)
            maps[i] = i / 6 * 10 + i % 6;
        var data = new Dataset(Indexed(n, _ => 0).Features, Tensor.Wrap(maps, [n, 2, 3]));
        Assert.Equal(new Shape(2, 3), data.LabelShape);
        var loader = new DataLoader(data, batchSize: 2, shuffle: true, seed: 3);
        int seen = 0;
        foreach (var (x, y) in loader)
        {
            Assert.Equal(x.Shape[0], y.Shape[0]);
            Assert.Equal(3, y.Rank);
            int[] ids = SampleIds(x);
            var labels = y.AsReadOnlySpan();
            for (int b = 0; b < ids.Length; b++, seen++)
            {
                for (int p = 0; p < 6; p++)
                    Assert.Equal(ids[b] * 10 + p, labels[b * 6 + p]);
            }
        }
        Assert.Equal(n, seen);
    }

    [Fact]
    public void Constructor_RankFourLabels_ThrowsNamingTheShape()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros([2, 1, 2, 2]),
            Tensor.Zeros([2, 1, 2, 2])));
        Assert.Contains("[2, 1, 2, 2]", e.Message);
    }

    [Fact]
    public void Constructor_DifferentSampleCounts_ThrowsWithBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros([3, 1, 2, 2]), Tensor.Zeros([2])));

        Assert.Contains("[3, 1, 2, 2]", e.Message);
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void Constructor_ScopedTensors_ThrowsExplainingScope()
    {
        using var scope = TensorScope.Begin();

        var e = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros([2, 3]), Tensor.Zeros([2])));

        Assert.Contains("TensorScope", e.Message);
    }

    [Fact]
    public void Constructor_OneHotWithWrongClassNameCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros([2, 3]), Tensor.Zeros([2, 4]), ["a", "b"]));
    }

    [Fact]
    public void Take_FirstN_SharesStorage()
    {
        var data = Indexed(10, i => i % 3);

        var head = data.Take(4);

        Assert.Equal(4, head.Count);
        Assert.Equal([0, 1, 2, 3], SampleIds(head.Features));
        Assert.Equal([0f, 1f, 2f, 0f], head.Labels.ToArray());
        data.Features.AsSpan()[0] = 42;
        Assert.Equal(42, head.Features.AsReadOnlySpan()[0]);
    }

    [Fact]
    public void Take_MoreThanCount_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Indexed(5, i => 0).Take(6));

        Assert.Contains("0 to 5", e.Message);
    }

    [Fact]
    public void Subset_Indices_CopiesRowsInGivenOrder()
    {
        var data = Indexed(6, i => i);

        var subset = data.Subset([5, 0, 5, 2]);

        Assert.Equal([5, 0, 5, 2], SampleIds(subset.Features));
        Assert.Equal([5f, 0f, 5f, 2f], subset.Labels.ToArray());
        Assert.Equal(new Shape(4, 1, 2, 2), subset.Features.Shape);
    }

    [Fact]
    public void Subset_OneHotLabels_CopiesLabelRows()
    {
        var y = Tensor.FromArray([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3]);
        var data = new Dataset(Tensor.Arange([3, 2]), y, ["a", "b", "c"]);

        var subset = data.Subset([2, 1]);

        Assert.Equal([0f, 0f, 1f, 0f, 1f, 0f], subset.Labels.ToArray());
        Assert.Equal([4f, 5f, 2f, 3f], subset.Features.ToArray());
        Assert.Equal(["a", "b", "c"], subset.ClassNames!);
    }

    [Fact]
    public void Subset_IndexOutOfRange_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Indexed(3, i => 0).Subset([0, 3]));

        Assert.Contains("index 3 at position 1", e.Message);
    }

    [Fact]
    public void Subset_InsideScope_ReturnsDataThatOutlivesIt()
    {
        var data = Indexed(4, i => i);
        Dataset subset;
        using (TensorScope.Begin())
            subset = data.Subset([3, 1]);

        Assert.Equal([3, 1], SampleIds(subset.Features));
    }

    [Fact]
    public void Split_Fraction_PartitionsEverySampleOnce()
    {
        var data = Indexed(101, i => i % 4);

        var (first, second) = data.Split(0.8, seed: 7);

        Assert.Equal(81, first.Count);   // round(80.8)
        Assert.Equal(20, second.Count);
        int[] all = [.. SampleIds(first.Features), .. SampleIds(second.Features)];
        Assert.Equal(Enumerable.Range(0, 101), all.Order());
        Assert.Equal(SampleIds(first.Features).Order(), SampleIds(first.Features));   // original order kept
    }

    [Fact]
    public void Split_SameSeed_SameSplitAndOtherSeedDiffers()
    {
        var data = Indexed(50, i => i % 2);

        var a = SampleIds(data.Split(0.5, seed: 1).First.Features);
        var b = SampleIds(data.Split(0.5, seed: 1).First.Features);
        var c = SampleIds(data.Split(0.5, seed: 2).First.Features);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Split_Stratified_KeepsClassProportions()
    {
        // 60 of class 0, 30 of class 1, 10 of class 2, interleaved irregularly.
        int[] labels = [.. Enumerable.Repeat(0, 60), .. Enumerable.Repeat(1, 30), .. Enumerable.Repeat(2, 10)];
        new Rng(3).Shuffle(labels.AsSpan());
        var data = Indexed(100, i => labels[i]);

        var (train, validation) = data.Split(0.8, seed: 0, stratified: true);

        Assert.Equal([48, 24, 8], Histogram(train.Labels, 3));
        Assert.Equal([12, 6, 2], Histogram(validation.Labels, 3));
    }

    [Fact]
    public void Split_StratifiedOneHot_UsesArgmaxClass()
    {
        float[] y = new float[20 * 2];
        for (int i = 0; i < 20; i++)
            y[i * 2 + (i < 16 ? 0 : 1)] = 1;
        var data = new Dataset(Tensor.Arange([20, 1]), Tensor.Wrap(y, [20, 2]));

        var (first, _) = data.Split(0.5, seed: 0, stratified: true);

        int ones = 0;
        for (int i = 0; i < first.Count; i++)
            ones += first.Labels[i, 1] == 1 ? 1 : 0;
        Assert.Equal(10, first.Count);
        Assert.Equal(2, ones);
    }

    [Fact]
    public void Split_StratifiedFractionalLabel_Throws()
    {
        var data = new Dataset(Tensor.Zeros([2, 1]), Tensor.FromArray(0f, 1.5f));

        var e = Assert.Throws<ArgumentException>(() => data.Split(0.5, seed: 0, stratified: true));

        Assert.Contains("sample 1 is labelled 1.5", e.Message);
    }

    [Fact]
    public void Split_FractionOutsideUnitInterval_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Indexed(3, i => 0).Split(1.5, seed: 0));
    }

    [Fact]
    public void FromBytes_Pixels_ScaledToUnitRange()
    {
        var data = Dataset.FromBytes([0, 51, 255, 102], [1, 0], [1, 1, 2], classNames: ["a", "b"]);

        Assert.Equal(new Shape(2, 1, 1, 2), data.Features.Shape);
        Assert.Equal([0f, 0.2f, 1f, 0.4f], data.Features.ToArray());
        Assert.Equal([1f, 0f], data.Labels.ToArray());
        Assert.Equal(["a", "b"], data.ClassNames!);
    }

    [Fact]
    public void FromBytes_Normalization_StandardisesEachChannel()
    {
        var norm = new Normalization([0.5f, 0f], [0.5f, 2f]);

        var data = Dataset.FromBytes([255, 0, 255, 0], [0], [2, 1, 2], norm);

        Assert.Equal([1f, -1f, 0.5f, 0f], data.Features.ToArray());
    }

    [Fact]
    public void FromBytes_WrongPixelCount_ThrowsWithCounts()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.FromBytes(new byte[7], new byte[2], [1, 2, 2]));

        Assert.Contains("8 bytes", e.Message);
        Assert.Contains("received 7", e.Message);
    }

    [Fact]
    public void FromBytes_LabelNotBelowClassCount_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.FromBytes(new byte[2], [0, 2], [1, 1, 1],
            classNames: ["a", "b"]));

        Assert.Contains("label 2 of sample 1", e.Message);
    }

    internal static int[] Histogram(Tensor labels, int classes)
    {
        int[] counts = new int[classes];
        foreach (float v in labels.AsReadOnlySpan())
            counts[(int)v]++;
        return counts;
    }
}
