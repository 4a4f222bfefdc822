using System.CommandLine;
using Fovea.Models.Zoo;
using Fovea.Vision.Segmentation;

namespace Fovea.Cli;

/// <summary><c>fovea zoo</c>: lists the zoo's torchvision names, one per line, for <c>fovea run --model
/// zoo:&lt;name&gt;</c>: the classifiers of the core's zoo, then the segmentation models of Fovea.Vision.</summary>
internal static class ZooCommand
{
    public static Command Create()
    {
        var command = new Command("zoo", "List the zoo models by torchvision name (for fovea run --model zoo:<name> " +
            "--weights state_dict.safetensors)");
        command.SetAction(_ =>
        {
            foreach (string name in ModelZoo.Names.Concat(SegmentationZoo.Names))
                Console.WriteLine(name);
            return 0;
        });
        return command;
    }
}
