using Fovea.Layers;
using Fovea.Models;
using Fovea.Models.Zoo;
using Xunit;

namespace Fovea.Tests.Models;

/// <summary>Selecting layers to unfreeze: by name, by prefix, from the end, and by stage (resolution).</summary>
public sealed class ModelSelectionTests
{
    /// <summary>The zoo ResNet-18 (torchvision's layer names) without its classifier, on 64×64 inputs.</summary>
    private static Model ResNet18At64() => ResNet.ResNet18(includeTop: false, inputShape: [3, 64, 64]);

    [Fact]
    public void Stages_ResNet18_StemThenFourStagesSplitWhereTheResolutionFalls()
    {
        var model = ResNet18At64();
        var stages = model.Stages();
        Assert.Equal(5, stages.Count);
        Assert.Equal(["conv1", "bn1", "relu"], stages[0].Select(l => l.Name));           // 32×32
        Assert.Equal("maxpool", stages[1][0].Name);                                          // 16×16 with layer1
        Assert.Equal(model.LayersWithPrefix("layer1."), stages[1].Skip(1));
        Assert.Equal(model.LayersWithPrefix("layer2."), stages[2]);                         // 8×8
        Assert.Equal(model.LayersWithPrefix("layer3."), stages[3]);                         // 4×4
        Assert.Equal([.. model.LayersWithPrefix("layer4."), model.GetLayer("avgpool")], stages[4]);   // 2×2, pooled
        Assert.Equal(model.Layers.Count, stages.Sum(s => s.Count));
    }

    [Fact]
    public void LayersFromAndLastLayers_CountFromTheEndInExecutionOrder()
    {
        var model = ResNet18At64();
        var fromLayer4 = model.LayersFrom("layer4.0.conv1");
        Assert.Equal("layer4.0.conv1", fromLayer4[0].Name);
        Assert.Equal("avgpool", fromLayer4[^1].Name);
        Assert.Equal(fromLayer4, model.LastLayers(fromLayer4.Count));
        Assert.Empty(model.LastLayers(0));
        Assert.Equal(model.Layers, model.LastLayers(model.Layers.Count));
    }

    [Fact]
    public void Selection_UnknownNamesAndCounts_SayWhatExists()
    {
        var model = ResNet18At64();
        Assert.Contains("layer4.1.relu2", Assert.Throws<FoveaException>(() => model.LayersFrom("layer5")).Message);
        Assert.Contains("'/layer4/'", Assert.Throws<FoveaException>(() => model.LayersWithPrefix("/layer4/")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.LastLayers(model.Layers.Count + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.LastLayers(-1));
    }

    [Fact]
    public void Stages_UnbuiltSequential_SaysItMustBeBuilt()
    {
        var model = new Sequential(new Conv2D(4, 3), new Flatten());
        Assert.Contains("Build", Assert.Throws<FoveaException>(() => model.Stages()).Message);
        model.Build(1, 8, 8);
        var stage = Assert.Single(model.Stages());
        Assert.Equal(model.Layers, stage);
    }
}
