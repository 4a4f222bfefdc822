using Fovea.Examples.Attention;
using Fovea.Layers;
using Xunit;

namespace Fovea.Tests.Examples;

/// <summary>
/// examples/Attention (the walkthrough's Part 6.1-6.2): both models train on 1,000 Fashion-MNIST images for 2 epochs
/// well above chance (0.1; measured 0.355 and 0.335 with these seeds), and the blocks' sub-layer weights count in the
/// models' parameters.
/// </summary>
public sealed class AttentionExampleTests
{
    [Fact]
    public void SeCnn_TrainsAboveChance_AndCountsTheSeWeights()
    {
        var model = AttentionExample.CreateSeCnn();
        double accuracy = AttentionExample.TrainAndEvaluate(model, limit: 1000, epochs: 2, TextWriter.Null);
        Assert.True(accuracy > 0.2, $"test accuracy {accuracy}");
        var se = model.Layers.OfType<SEBlock>().ToList();
        Assert.Equal([32 * 2 * 2, 64 * 4 * 2], se.Select(b => b.ParameterCount));
    }

    [Fact]
    public void Hybrid_TrainsAboveChance()
    {
        var model = AttentionExample.CreateHybrid();
        double accuracy = AttentionExample.TrainAndEvaluate(model, limit: 1000, epochs: 2, TextWriter.Null);
        Assert.True(accuracy > 0.2, $"test accuracy {accuracy}");
        Assert.Contains(model.Layers, l => l is ConvTransformerBlock { ParameterCount: > 0 });
    }
}
