using Fovea.Data;
using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data;

/// <summary>The loader's augmentation, mixing and background prefetching.</summary>
public class DataLoaderTransformTests
{
    /// <summary>N images [1, 4, 4] of random values, labelled i % 3.</summary>
    private static Dataset Images(int n)
    {
        var x = Tensor.RandomUniform([n, 1, 4, 4], new Rng(n));
        var y = Tensor.FromArray([.. Enumerable.Range(0, n).Select(i => (float)(i % 3))], [n]);
        return new Dataset(x, y);
    }

    private static readonly ImageTransform s_augment =
        new Compose(new RandomRotation(20), new RandomShift(0.2, 0.2), new RandomFlip(), new RandomCrop(3, padding: 1));

    /// <summary>Every batch of <paramref name="epochs"/> epochs as (X, Y) arrays.</summary>
    private static List<(float[] X, float[] Y)> Run(DataLoader loader, int epochs)
    {
        var batches = new List<(float[], float[])>();
        for (int e = 0; e < epochs; e++)
        {
            foreach (var (x, y) in loader)
                batches.Add((x.ToArray(), y.ToArray()));
        }
        return batches;
    }

    private static DataLoader Loader(int prefetch, int seed = 3, BatchTransform? mix = null) =>
        new(Images(37), batchSize: 8, seed: seed, transform: s_augment, batchTransform: mix, prefetch: prefetch);

    [Fact]
    public void Enumerate_Transform_ShapesFollowTheTransform()
    {
        var loader = Loader(prefetch: 0, mix: new CutMix(1, classes: 3));

        var (x, y) = loader.First();

        Assert.Equal(new Shape(1, 3, 3), loader.SampleShape);
        Assert.Equal(new Shape(3), loader.LabelShape);
        Assert.Equal(new Shape(8, 1, 3, 3), x.Shape);
        Assert.Equal(new Shape(8, 3), y.Shape);
    }

    [Fact]
    public void Enumerate_SameSeed_SameAugmentedEpochs_NextEpochDiffers()
    {
        var a = Run(Loader(prefetch: 0), epochs: 2);
        var b = Run(Loader(prefetch: 0), epochs: 2);

        Assert.Equal(a.Select(t => t.X), b.Select(t => t.X));
        Assert.NotEqual(a[0].X, a[5].X);   // batch 0 of epoch 1 and of epoch 2 (5 batches per epoch)
        Assert.NotEqual(a[0].X, Run(Loader(prefetch: 0, seed: 4), epochs: 1)[0].X);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Enumerate_Prefetching_SameBatchesAsWithout(int prefetch)
    {
        var expected = Run(Loader(prefetch: 0, mix: new MixUp(0.4, classes: 3)), epochs: 3);

        var actual = Run(Loader(prefetch, mix: new MixUp(0.4, classes: 3)), epochs: 3);

        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].X, actual[i].X);
            Assert.Equal(expected[i].Y, actual[i].Y);
        }
    }

    [Fact]
    public void Enumerate_TransformThrowsOnWorker_SurfacesOnTheCallerWithItsMessage()
    {
        var loader = new DataLoader(Images(40), batchSize: 4, shuffle: false, transform: new FailAt(13), prefetch: 2);
        using var batches = loader.GetEnumerator();

        for (int b = 0; b < 3; b++)
            Assert.True(batches.MoveNext());   // samples 0..11 are fine
        var e = Assert.Throws<FoveaException>(() => batches.MoveNext());
        var again = Assert.Throws<FoveaException>(() => batches.MoveNext());

        Assert.Equal("cannot read sample 13", e.Message);
        Assert.Equal(e.Message, again.Message);
        Assert.False(loader.IsPrefetching);
    }

    [Fact]
    public void Dispose_MidEpoch_StopsTheThread_NewEpochRestarts()
    {
        var loader = Loader(prefetch: 2);
        var batches = loader.GetEnumerator();
        Assert.True(batches.MoveNext());
        Assert.True(loader.IsPrefetching);

        batches.Dispose();

        Assert.False(loader.IsPrefetching);
        Assert.Equal(loader.BatchCount, Run(loader, epochs: 1).Count);
    }

    [Fact]
    public void GetEnumerator_NewEpochMidEpoch_StopsTheOldThread()
    {
        var loader = Loader(prefetch: 2);
        var first = loader.GetEnumerator();
        Assert.True(first.MoveNext());

        var second = loader.GetEnumerator();
        first.Dispose();   // the old enumerator's disposal must not stop the new epoch

        Assert.True(loader.IsPrefetching);
        int count = 0;
        while (second.MoveNext())
            count++;
        second.Dispose();
        Assert.Equal(loader.BatchCount, count);
        Assert.Throws<InvalidOperationException>(() => first.MoveNext());
    }

    [Fact]
    public void Enumerate_PrefetchingInsideScopes_CallerAllocatesAlmostNothing()
    {
        var data = new Dataset(Tensor.RandomUniform([640, 1, 28, 28], new Rng(0)), Tensor.Zeros([640]));
        var loader = new DataLoader(data, batchSize: 64, seed: 1, transform: new RandomFlip(), prefetch: 2);
        RunInScopes(loader);   // warm-up: pool, JIT, slots

        long before = GC.GetAllocatedBytesForCurrentThread();
        RunInScopes(loader);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Per epoch: the enumerator and the worker (thread, semaphores); per batch: scope and tensor objects. One
        // batch of storage is 200 KB; the bound is far below it.
        Assert.True(allocated < 32 * 1024, $"an epoch allocated {allocated} bytes on the training thread");
        Assert.True(loader.PrepareSeconds > 0);
    }

    [Fact]
    public void Constructor_BatchTransformClassesDifferFromLabelRows_Throws()
    {
        var data = new Dataset(Tensor.Zeros([4, 1, 2, 2]), Tensor.Zeros([4, 5]));

        var e = Assert.Throws<ArgumentException>(() => new DataLoader(data, 2, batchTransform: new MixUp(1, 3)));

        Assert.Contains("[4, 5]", e.Message);
    }

    [Fact]
    public void Constructor_PrefetchOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Images(4), 2, prefetch: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Images(4), 2, prefetch: 65));
    }

    private static void RunInScopes(DataLoader loader)
    {
        using var batches = loader.GetEnumerator();
        while (true)
        {
            using var scope = TensorScope.Begin();
            if (!batches.MoveNext())
                break;
        }
    }

    /// <summary>Passes images through, but fails on the <see cref="_sample"/>-th image it sees (in order: the
    /// loader does not shuffle in the test that uses it).</summary>
    private sealed class FailAt(int sample) : ImageTransform
    {
        private readonly int _sample = sample;
        private int _seen;

        protected override void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng)
        {
            if (Interlocked.Increment(ref _seen) - 1 == _sample)
                throw new FoveaException($"cannot read sample {_sample}");
            source.CopyTo(destination);
        }
    }
}
