using Fovea.Data;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data;

public class DataLoaderTests
{
    private static Dataset Indexed(int n) => DatasetTests.Indexed(n, i => i % 10);

    /// <summary>One epoch as the sample ids of each batch (made outside any scope, so they stay valid).</summary>
    private static List<int[]> Epoch(DataLoader loader)
    {
        var batches = new List<int[]>();
        foreach (var (x, y) in loader)
        {
            int[] ids = DatasetTests.SampleIds(x);
            Assert.Equal(ids.Select(i => (float)(i % 10)), y.ToArray());   // labels travel with their samples
            batches.Add(ids);
        }
        return batches;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Constructor_BatchSizeNotPositive_ThrowsWithMessage(int batchSize)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Indexed(4), batchSize));

        Assert.Equal("batchSize", e.ParamName);
        Assert.Contains("at least 1", e.Message);
    }

    [Theory]
    [InlineData(10, 3, false, 4)]
    [InlineData(10, 3, true, 3)]
    [InlineData(9, 3, false, 3)]
    [InlineData(2, 5, false, 1)]
    [InlineData(2, 5, true, 0)]
    public void BatchCount_SizesAndDropLast_CeilOrFloor(int n, int batchSize, bool dropLast, int expected)
    {
        var loader = new DataLoader(Indexed(n), batchSize, dropLast: dropLast);

        Assert.Equal(expected, loader.BatchCount);
        Assert.Equal(expected, Epoch(loader).Count);
    }

    [Fact]
    public void Enumerate_Epoch_YieldsEverySampleExactlyOnce()
    {
        var loader = new DataLoader(Indexed(103), batchSize: 10, seed: 5);

        for (int epoch = 0; epoch < 3; epoch++)
            Assert.Equal(Enumerable.Range(0, 103), Epoch(loader).SelectMany(b => b).Order());
    }

    [Fact]
    public void Enumerate_SameSeed_SameOrderEveryEpoch()
    {
        var a = new DataLoader(Indexed(50), batchSize: 8, seed: 11);
        var b = new DataLoader(Indexed(50), batchSize: 8, seed: 11);

        for (int epoch = 0; epoch < 3; epoch++)
            Assert.Equal(Epoch(a).SelectMany(x => x), Epoch(b).SelectMany(x => x));
    }

    [Fact]
    public void Enumerate_NextEpochOrOtherSeed_DifferentOrder()
    {
        var loader = new DataLoader(Indexed(50), batchSize: 8, seed: 11);
        var other = new DataLoader(Indexed(50), batchSize: 8, seed: 12);

        int[] first = [.. Epoch(loader).SelectMany(x => x)];
        int[] second = [.. Epoch(loader).SelectMany(x => x)];

        Assert.NotEqual(first, second);
        Assert.NotEqual(first, Epoch(other).SelectMany(x => x));
        Assert.NotEqual(Enumerable.Range(0, 50), first);
    }

    [Fact]
    public void Enumerate_NoShuffle_FollowsDatasetOrder()
    {
        var loader = new DataLoader(Indexed(7), batchSize: 3, shuffle: false);

        var batches = Epoch(loader);

        Assert.Equal([[0, 1, 2], [3, 4, 5], [6]], batches);
    }

    [Fact]
    public void Enumerate_PartialLastBatch_KeptUnlessDropLast()
    {
        var keep = new DataLoader(Indexed(10), batchSize: 4);
        var drop = new DataLoader(Indexed(10), batchSize: 4, dropLast: true);

        var shapes = keep.Select(b => b.X.Shape).ToList();
        var labelShapes = keep.Select(b => b.Y.Shape).ToList();

        Assert.Equal([new Shape(4, 1, 2, 2), new Shape(4, 1, 2, 2), new Shape(2, 1, 2, 2)], shapes);
        Assert.Equal([new Shape(4), new Shape(4), new Shape(2)], labelShapes);
        Assert.Equal([4, 4], Epoch(drop).Select(b => b.Length));
    }

    [Fact]
    public void Enumerate_OneHotLabels_BatchesLabelRows()
    {
        var y = Tensor.FromArray([1, 0, 0, 1, 1, 0], [3, 2]);
        var loader = new DataLoader(new Dataset(Tensor.Arange([3, 1]), y), batchSize: 2, shuffle: false);

        var (x0, y0) = loader.First();

        Assert.Equal(new Shape(2, 2), y0.Shape);
        Assert.Equal([1f, 0f, 0f, 1f], y0.ToArray());
        Assert.Equal([0f, 1f], x0.ToArray());
    }

    [Fact]
    public void Enumerate_RestoredRngState_RepeatsTheEpoch()
    {
        var loader = new DataLoader(Indexed(40), batchSize: 16, seed: 3);
        Epoch(loader);
        ulong[] state = loader.Rng.GetState();
        var expected = Epoch(loader);

        loader.Rng.SetState(state);

        Assert.Equal(expected, Epoch(loader));
    }

    [Fact]
    public void Enumerate_OldEnumeratorAfterNewEpoch_Throws()
    {
        var loader = new DataLoader(Indexed(8), batchSize: 2);
        var old = loader.GetEnumerator();
        Assert.True(old.MoveNext());

        _ = loader.GetEnumerator();

        Assert.Throws<InvalidOperationException>(() => old.MoveNext());
    }

    [Fact]
    public void Enumerate_InsideScope_BatchStorageReturnsToPool()
    {
        var loader = new DataLoader(Indexed(8), batchSize: 4);
        var batches = loader.GetEnumerator();
        Tensor x;
        using (TensorScope.Begin())
        {
            Assert.True(batches.MoveNext());
            x = batches.Current.X;
            Assert.False(x.IsDisposed);
        }

        Assert.True(x.IsDisposed);
    }

    [Fact]
    public void Enumerate_PerBatchScopesAfterWarmUp_AllocatesAlmostNothing()
    {
        // 1000 samples of [1, 28, 28] in batches of 32: 31 full batches and one of 8, so both sizes are pooled.
        var data = new Dataset(Tensor.RandomUniform([1000, 1, 28, 28], new Rng(0)), Tensor.Zeros([1000]));
        var loader = new DataLoader(data, batchSize: 32, seed: 1);
        RunEpoch(loader);   // warm-up: fills the pool, JIT-compiles everything

        long before = GC.GetAllocatedBytesForCurrentThread();
        RunEpoch(loader);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Measured here: about 230 bytes per batch, i.e. the TensorScope object and the two Tensor objects; per
        // epoch: the enumerator. The batch storage itself (32 × 784 × 4 = 100 KB per batch, 3.1 MB per epoch)
        // must come from the pool. 1 KB per batch plus 4 KB leaves room for runtime noise, and is still
        // 100 times less than one epoch of batch storage.
        long bound = loader.BatchCount * 1024 + 4096;
        Assert.True(allocated < bound, $"an epoch allocated {allocated} bytes, expected less than {bound}");
    }

    private static void RunEpoch(DataLoader loader)
    {
        var batches = loader.GetEnumerator();
        while (true)
        {
            using var scope = TensorScope.Begin();
            if (!batches.MoveNext())
                break;
            var (x, y) = batches.Current;
            Assert.Equal(x.Shape[0], y.Shape[0]);
        }
    }
}
