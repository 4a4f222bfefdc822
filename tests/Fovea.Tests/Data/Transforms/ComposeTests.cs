using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;
using static Fovea.Tests.Data.Transforms.Images;

namespace Fovea.Tests.Data.Transforms;

public class ComposeTests
{
    [Fact]
    public void Apply_ThreeSteps_SameAsApplyingThemInTurnWithOneGenerator()
    {
        ImageTransform[] steps = [new RandomRotation(20), new RandomCrop(4, padding: 2), new RandomBrightness(0.1)];
        var image = Make(2, 6, 6, (c, i, j) => c + 0.1f * i + 0.01f * j);
        var compose = new Compose(steps);

        var composed = compose.Apply(image, new Rng(3));
        var rng = new Rng(3);
        var byHand = image;
        foreach (var step in steps)
            byHand = step.Apply(byHand, rng);

        Assert.Equal(new Shape(2, 4, 4), compose.OutputShape([2, 6, 6]));
        Assert.Equal(byHand.Shape, composed.Shape);
        Assert.Equal(byHand.ToArray(), composed.ToArray());
    }

    [Fact]
    public void Constructor_Empty_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Compose());
    }

    [Fact]
    public void Apply_BatchOfImages_EachImageDrawsItsOwnParameters()
    {
        var batch = Tensor.Zeros([4, 1, 2, 2]);
        batch.AsSpan().Fill(0.5f);

        var y = new Compose(new RandomBrightness(0.4)).Apply(batch, new Rng(0));

        Assert.Equal(new Shape(4, 1, 2, 2), y.Shape);
        Assert.Equal(4, Enumerable.Range(0, 4).Select(n => y[n, 0, 0, 0]).Distinct().Count());
    }

    [Fact]
    public void Apply_SpanLengthsWrong_ThrowsNamingTransformAndShapes()
    {
        var flip = new RandomFlip();
        float[] source = new float[12], destination = new float[11];

        var e = Assert.Throws<ArgumentException>(() => flip.Apply(source, destination, new Shape(1, 3, 4), new Rng(0)));

        Assert.Contains("RandomFlip", e.Message);
        Assert.Contains("[1, 3, 4]", e.Message);
        Assert.Contains("11", e.Message);
    }

    [Fact]
    public void Apply_NotAnImage_ThrowsWithShape()
    {
        var e = Assert.Throws<ArgumentException>(() => new RandomFlip().Apply(Tensor.Zeros([4, 4]), new Rng(0)));

        Assert.Contains("[4, 4]", e.Message);
    }
}
