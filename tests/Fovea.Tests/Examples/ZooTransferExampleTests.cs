using Fovea.Examples.ZooTransfer;
using Fovea.Models.Zoo;
using Fovea.Tests.Models;
using Xunit;

namespace Fovea.Tests.Examples;

/// <summary>
/// examples/ZooTransfer: a torchvision-named ResNet-18 state dict (with its 1000-class fc, as torchvision saves it)
/// loads non-strictly into the backbone built without a classifier: fc.* are reported and left out, every backbone
/// tensor takes the file's value, the frozen backbone does not change while the new head trains.
/// </summary>
public sealed class ZooTransferExampleTests
{
    [Fact]
    public void TorchvisionStateDict_LoadsIntoTheBackbone_WhichStaysFrozenWhileTheHeadTrains()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fovea-zoo-transfer-{Guid.NewGuid():N}.safetensors");
        try
        {
            var pretrained = ModelZoo.Create("resnet18", inputShape: [3, 32, 32]);
            pretrained.LoadStateDict(ZooWeights.For(pretrained));
            pretrained.SaveStateDict(path);

            var (classifier, backbone, keys) = ZooTransferExample.Create("resnet18", path, classes: 10, size: 32);
            Assert.Equal(["fc.weight", "fc.bias"], keys!.UnexpectedKeys);
            Assert.Empty(keys.MissingKeys);
            var file = pretrained.StateDictEntries().ToDictionary(e => e.Name, e => e.Weight.ToArray());
            var loaded = backbone.StateDictEntries();
            Assert.Equal(file.Count - 2, loaded.Count);
            Assert.All(loaded, e => Assert.Equal(file[e.Name], e.Weight.ToArray()));

            var head = classifier.Layers.Single(l => l.Name == "head").Weights[0].ToArray();
            double accuracy = ZooTransferExample.Run(classifier, 32, trainCount: 128, testCount: 64, epochs: 1,
                verbose: 0);
            Assert.InRange(accuracy, 0, 1);
            Assert.All(backbone.StateDictEntries(), e => Assert.Equal(file[e.Name], e.Weight.ToArray()));
            Assert.NotEqual(head, classifier.Layers.Single(l => l.Name == "head").Weights[0].ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
