using Fovea.Models;

namespace Fovea.Explain;

/// <summary>Finds the layer a user names: a layer of the model, or a torchvision module such as <c>layer4</c> or
/// <c>features</c> (the layers named "layer4.…", whose output is that of the last one in execution order), or an
/// imported ONNX module ("/layer4/…").</summary>
internal static class LayerNames
{
    public static string Resolve(Model model, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var layers = model.Layers;
        if (layers.Any(l => l.Name == name))
            return name;
        foreach (string prefix in new[] { name + ".", "/" + name + "/" })
        {
            var match = layers.LastOrDefault(l =>
                l.Name is not null && l.Name.StartsWith(prefix, StringComparison.Ordinal));
            if (match is not null)
                return match.Name!;
        }
        throw new FoveaException($"model '{model.Name}' has no layer or module '{name}'; layers: " +
            string.Join(", ", layers.Select(l => l.Name)));
    }
}
