using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace Fovea.Layers;

public abstract partial class Layer
{
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> s_layerFields = new();

    /// <summary>
    /// The layers this layer holds directly (PyTorch's <c>children()</c>): those in its fields, and in lists, arrays
    /// and dictionaries held in its fields, in field order; for a model, its layers.
    /// </summary>
    public IReadOnlyList<Layer> SubLayers => TrackedLayers().Select(t => t.Layer).ToList();

    /// <summary>
    /// The tracked layers with their paths: a field's name without a leading underscore ("dense1"), a list element's
    /// index ("blocks.0"), a dictionary entry's key ("heads.cls"). Each layer once; a field that refers back to this
    /// layer is skipped. Models override this to give their layers under the layers' names.
    /// </summary>
    private protected virtual IEnumerable<(string Path, Layer Layer)> TrackedLayers()
    {
        var fields = s_layerFields.GetOrAdd(GetType(), LayerFieldsOf);
        if (fields.Length == 0)
            yield break;
        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance) { this };
        foreach (var field in fields)
        {
            string path = FieldPath(field.Name);
            switch (field.GetValue(this))
            {
                case Layer layer:
                    if (seen.Add(layer))
                        yield return (path, layer);
                    break;
                case IDictionary dictionary:
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        if (entry.Value is Layer value && seen.Add(value))
                            yield return ($"{path}.{entry.Key}", value);
                    }
                    break;
                case IEnumerable items:
                    int i = 0;
                    foreach (var item in items)
                    {
                        if (item is Layer element && seen.Add(element))
                            yield return ($"{path}.{i}", element);
                        i++;
                    }
                    break;
            }
        }
    }

    /// <summary>"_dense1" → "dense1"; an auto-property's backing field "&lt;Dense1&gt;k__BackingField" → "Dense1".
    /// </summary>
    private static string FieldPath(string field)
    {
        if (field.StartsWith('<') && field.IndexOf('>') is > 1 and var end)
            return field[1..end];
        return field.TrimStart('_');
    }

    /// <summary>The instance fields, declared by the type and its bases below <see cref="Layer"/>, whose type can hold
    /// a layer: a layer type, or a collection (list, array, dictionary) whose elements or values are layers.</summary>
    private static FieldInfo[] LayerFieldsOf(Type type)
    {
        var fields = new List<FieldInfo>();
        for (var t = type; t is not null && t != typeof(Layer); t = t.BaseType)
        {
            var declared = t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic |
                BindingFlags.DeclaredOnly);
            fields.InsertRange(0, declared.Where(f => CanHoldLayers(f.FieldType)));
        }
        return fields.ToArray();
    }

    private static bool CanHoldLayers(Type type)
    {
        if (typeof(Layer).IsAssignableFrom(type))
            return true;
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
            return false;
        if (type.IsArray)
            return CanHoldLayers(type.GetElementType()!) || type.GetElementType() == typeof(object);
        foreach (var i in type.GetInterfaces().Append(type))
        {
            if (!i.IsGenericType)
                continue;
            var definition = i.GetGenericTypeDefinition();
            if (definition == typeof(IEnumerable<>) && typeof(Layer).IsAssignableFrom(i.GetGenericArguments()[0]))
                return true;
            if (definition == typeof(IDictionary<,>) && typeof(Layer).IsAssignableFrom(i.GetGenericArguments()[1]))
                return true;
            if (definition == typeof(IReadOnlyDictionary<,>) &&
                typeof(Layer).IsAssignableFrom(i.GetGenericArguments()[1]))
                return true;
        }
        return false;
    }
}
