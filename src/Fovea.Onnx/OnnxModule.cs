using System.Runtime.CompilerServices;
using Fovea.Layers;

namespace Fovea.Onnx;

/// <summary>Registers what Fovea.Onnx adds to the core when the assembly loads: the <see cref="OnnxOp"/> layer type,
/// so that models imported from ONNX and saved with <c>Model.Save</c> load again with <c>Model.Load</c>.</summary>
internal static class OnnxModule
{
    // A library registering its own layer type is the case the analyzer's warning does not foresee; the integrator's
    // attribute-based layer discovery will replace this.
#pragma warning disable CA2255
    [ModuleInitializer]
    internal static void Initialize() => LayerRegistry.Register(nameof(OnnxOp), OnnxOp.FromConfig);
#pragma warning restore CA2255
}
