using Fovea.Data;
using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data;

/// <summary>
/// Datasets and loaders with several inputs and targets: every operation keeps the rows of all tensors together.
/// Each tensor's rows hold the sample index plus an offset of its own (0, 1000, label i % 10, 2000), so a batch shows
/// which sample every row came from.
/// </summary>
public class DatasetMultiTests
{
    private static Dataset Multi(int n, bool named = false)
    {
        var image = Fill([n, 1, 2, 2], i => i);
        var features = Fill([n, 3], i => 1000 + i);
        var label = Fill([n], i => i % 10);
        var size = Fill([n, 2], i => 2000 + i);
        return named
            ? new Dataset(new Dictionary<string, Tensor> { ["image"] = image, ["features"] = features },
                new Dictionary<string, Tensor> { ["class"] = label, ["size"] = size })
            : new Dataset([image, features], [label, size]);
    }

    private static Tensor Fill(int[] shape, Func<int, float> valueOf)
    {
        var t = Tensor.Zeros(shape);
        int row = t.Length / shape[0];
        for (int i = 0; i < shape[0]; i++)
            t.AsSpan().Slice(i * row, row).Fill(valueOf(i));
        return t;
    }

    /// <summary>The sample ids of every tensor of a batch (or dataset); asserts they agree and returns them.</summary>
    private static int[] AlignedIds(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> targets, float scale = 1)
    {
        int[] ids = RowHeads(inputs[0]).Select(v => (int)Math.Round(v / scale)).ToArray();
        Assert.Equal(ids.Select(i => i * scale), RowHeads(inputs[0]));
        Assert.Equal(ids, DatasetTests.SampleIds(inputs[1]).Select(v => v - 1000));
        Assert.Equal(ids.Select(i => (float)(i % 10)), targets[0].ToArray());
        Assert.Equal(ids, DatasetTests.SampleIds(targets[1]).Select(v => v - 2000));
        return ids;
    }

    /// <summary>The first value of every row.</summary>
    private static float[] RowHeads(Tensor t)
    {
        int row = t.Length / t.Shape[0];
        return Enumerable.Range(0, t.Shape[0]).Select(i => t.AsReadOnlySpan()[i * row]).ToArray();
    }

    [Fact]
    public void Constructor_Named_KeepsNamesAndFirstTensors()
    {
        var d = Multi(6, named: true);

        Assert.Equal(["image", "features"], d.InputNames);
        Assert.Equal(["class", "size"], d.TargetNames);
        Assert.Same(d.Inputs[0], d.Features);
        Assert.Same(d.Targets[0], d.Labels);
        Assert.Equal(6, d.Count);
        Assert.Equal("Dataset(6 samples, input 'image' [6, 1, 2, 2], input 'features' [6, 3]; target 'class' [6], "
            + "target 'size' [6, 2])", d.ToString());
    }

    [Fact]
    public void SubsetTakeSplit_KeepEveryTensorAligned()
    {
        var d = Multi(20, named: true);

        var subset = d.Subset([7, 3, 3, 19]);
        var take = d.Take(5);
        var (first, second) = d.Split(0.75, seed: 2);

        Assert.Equal([7, 3, 3, 19], AlignedIds(subset.Inputs, subset.Targets));
        Assert.Equal([0, 1, 2, 3, 4], AlignedIds(take.Inputs, take.Targets));
        var ids = AlignedIds(first.Inputs, first.Targets).Concat(AlignedIds(second.Inputs, second.Targets));
        Assert.Equal(15, first.Count);
        Assert.Equal(Enumerable.Range(0, 20), ids.Order());
        Assert.Equal(d.InputNames, subset.InputNames);
        Assert.Equal(d.TargetNames, second.TargetNames);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void DataLoader_Shuffled_BatchesEveryTensorTogether(int prefetch)
    {
        var loader = new DataLoader(Multi(23), batchSize: 5, seed: 4, prefetch: prefetch);

        for (int epoch = 0; epoch < 2; epoch++)
        {
            var seen = new List<int>();
            using var batches = loader.GetEnumerator();
            while (batches.MoveNext())
            {
                Assert.Same(batches.Current.X, batches.Inputs[0]);
                Assert.Same(batches.Current.Y, batches.Targets[0]);
                seen.AddRange(AlignedIds(batches.Inputs, batches.Targets));
            }
            Assert.Equal(Enumerable.Range(0, 23), seen.Order());
            Assert.NotEqual(Enumerable.Range(0, 23), seen);
        }
    }

    [Fact]
    public void DataLoader_Prefetch_GivesTheSameBatchesAsWithout()
    {
        var plain = new DataLoader(Multi(23), batchSize: 5, seed: 8);
        var ahead = new DataLoader(Multi(23), batchSize: 5, seed: 8, prefetch: 3);

        for (int epoch = 0; epoch < 2; epoch++)
        {
            using var a = plain.GetEnumerator();
            using var b = ahead.GetEnumerator();
            while (a.MoveNext())
            {
                Assert.True(b.MoveNext());
                for (int k = 0; k < 2; k++)
                {
                    Assert.Equal(a.Inputs[k].ToArray(), b.Inputs[k].ToArray());
                    Assert.Equal(a.Targets[k].ToArray(), b.Targets[k].ToArray());
                }
            }
            Assert.False(b.MoveNext());
        }
    }

    [Fact]
    public void DataLoader_Transform_AppliesToTheFirstInputOnly()
    {
        var halve = new Normalize(new Normalization([0f], [2f]));
        var loader = new DataLoader(Multi(9), batchSize: 4, seed: 1, transform: halve);

        using var batches = loader.GetEnumerator();
        while (batches.MoveNext())
            AlignedIds(batches.Inputs, batches.Targets, scale: 0.5f);
    }
}
