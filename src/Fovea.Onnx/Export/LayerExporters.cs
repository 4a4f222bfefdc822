using System.Collections.Concurrent;
using System.Reflection;

namespace Fovea.Onnx.Export;

/// <summary>
/// The layer exporters by layer type: Fovea's own (classes marked <see cref="OnnxExporterAttribute"/>, found once),
/// and those registered with <see cref="OnnxExporter.Register{TLayer}(ILayerExporter)"/>. A layer type without an
/// exporter of its own uses its nearest base type's (Conv2D and DepthwiseConv2D share BaseConv2D's).
/// </summary>
internal static class LayerExporters
{
    private static readonly ConcurrentDictionary<Type, ILayerExporter> s_exporters = BuiltIn();

    private static ConcurrentDictionary<Type, ILayerExporter> BuiltIn()
    {
        var table = new ConcurrentDictionary<Type, ILayerExporter>();
        foreach (var type in typeof(LayerExporters).Assembly.GetTypes())
        {
            foreach (var mark in type.GetCustomAttributes<OnnxExporterAttribute>(false))
            {
                var exporter = (ILayerExporter)Activator.CreateInstance(type, nonPublic: true)!;
                if (!table.TryAdd(mark.LayerType, exporter))
                    throw new InvalidOperationException($"layer type {mark.LayerType.Name} has two ONNX exporters");
            }
        }
        return table;
    }

    public static void Register(Type layerType, ILayerExporter exporter) => s_exporters[layerType] = exporter;

    /// <summary>The exporter of <paramref name="layerType"/> or of its nearest base type; null when none has
    /// one.</summary>
    public static ILayerExporter? Find(Type layerType)
    {
        for (var t = layerType; t is not null; t = t.BaseType)
        {
            if (s_exporters.TryGetValue(t, out var exporter))
                return exporter;
        }
        return null;
    }
}
