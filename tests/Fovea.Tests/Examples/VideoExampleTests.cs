using Fovea.Data;
using Fovea.Examples.Video;
using Fovea.Layers;
using Xunit;

namespace Fovea.Tests.Examples;

/// <summary>
/// examples/Video (the walkthrough's Part 6.4): the 3D CNN has the walkthrough's layers, and on 96 tiny clips
/// (4 frames of 16×16) it trains: the training loss falls from the first epoch to the last, and the outputs are
/// probabilities. The real run (README) is not a test.
/// </summary>
public sealed class VideoExampleTests
{
    [Fact]
    public void Create3DCnn_HasTheWalkthroughsLayers()
    {
        var model = VideoExample.Create3DCnn();
        Assert.Equal(3, model.Layers.OfType<Conv3D>().Count());
        Assert.Equal([32, 64, 128], model.Layers.OfType<Conv3D>().Select(c => c.Filters));
        Assert.Equal([(1, 2, 2), (2, 2, 2), (2, 2, 2)],
            model.Layers.OfType<MaxPooling3D>().Select(p => (p.PoolSize.Depth, p.PoolSize.Height, p.PoolSize.Width)));
        Assert.Single(model.Layers.OfType<GlobalAveragePooling3D>());
    }

    [Fact]
    public void TrainAndEvaluate_TinyClips_LossDecreases()
    {
        var (train, test) = MovingObjectClips.Load(trainCount: 96, testCount: 32, frames: 4, size: 16);
        var model = VideoExample.Create3DCnn();
        var result = VideoExample.TrainAndEvaluate(model, train, test, epochs: 4, batchSize: 16, TextWriter.Null,
            learningRate: 3e-3);
        var loss = result.History["loss"];
        Assert.Equal(4, loss.Count);
        Assert.True(loss[^1] < loss[0], $"training loss {string.Join(", ", loss)} did not fall");
        Assert.InRange(result.TestAccuracy, 0, 1);
        var p = model.Predict(test.Take(3).Features).ToArray();
        Assert.Equal(1.0, p.Take(8).Sum(), 4);
    }
}
