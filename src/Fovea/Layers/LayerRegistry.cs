using System.Reflection;
using System.Text.Json.Nodes;

namespace Fovea.Layers;

/// <summary>
/// Maps layer type names in model configs to factories. Layer types marked with <see cref="RegisterLayerAttribute"/>
/// are found in every loaded assembly (and, when a name is unknown, in the assemblies the application references);
/// <see cref="Register"/> adds a factory by hand.
/// </summary>
public static class LayerRegistry
{
    private static readonly Dictionary<string, (Func<JsonObject, Layer> Factory, string Source)> s_factories = [];
    private static readonly HashSet<Assembly> s_scanned = [];
    private static readonly object s_gate = new();
    private static bool s_listening;

    /// <summary>Registers (or replaces) the factory for <paramref name="typeName"/>.</summary>
    public static void Register(string typeName, Func<JsonObject, Layer> factory)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        ArgumentNullException.ThrowIfNull(factory);
        lock (s_gate)
            s_factories[typeName] = (factory, "LayerRegistry.Register");
    }

    /// <summary>The registered type names.</summary>
    public static IReadOnlyCollection<string> TypeNames
    {
        get
        {
            lock (s_gate)
            {
                ScanLoaded();
                return s_factories.Keys.ToList();
            }
        }
    }

    /// <summary>Creates a layer from its type name and <see cref="Layer.GetConfig"/> output.</summary>
    public static Layer FromConfig(string typeName, JsonObject config)
    {
        var factory = Find(typeName) ?? throw new FoveaException(
            $"unknown layer type '{typeName}' in model config; mark the class with [RegisterLayer] (and load its " +
            "assembly) or register it with LayerRegistry.Register");
        try
        {
            return factory(config);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException
            or NullReferenceException or KeyNotFoundException)
        {
            throw new FoveaException($"invalid config for {typeName} '{LayerConfig.Name(config)}': {e.Message}", e);
        }
    }

    private static Func<JsonObject, Layer>? Find(string typeName)
    {
        lock (s_gate)
        {
            ScanLoaded();
            if (s_factories.TryGetValue(typeName, out var found))
                return found.Factory;
            LoadReferenced();
            return s_factories.TryGetValue(typeName, out found) ? found.Factory : null;
        }
    }

    /// <summary>Scans every loaded assembly that can hold layers, and from now on each one loaded later.</summary>
    private static void ScanLoaded()
    {
        if (!s_listening)
        {
            s_listening = true;
            AppDomain.CurrentDomain.AssemblyLoad += (_, e) =>
            {
                lock (s_gate)
                    Scan(e.LoadedAssembly);
            };
        }
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            Scan(assembly);
    }

    /// <summary>Loads the assemblies the application references (transitively) that build on Fovea, so that their
    /// registered layers are known before their code has run.</summary>
    private static void LoadReferenced()
    {
        var pending = new Stack<Assembly>();
        if (Assembly.GetEntryAssembly() is { } entry)
            pending.Push(entry);
        var visited = new HashSet<string>();
        while (pending.Count > 0)
        {
            foreach (var name in pending.Pop().GetReferencedAssemblies())
            {
                if (!visited.Add(name.FullName) || IsFramework(name.Name))
                    continue;
                try
                {
                    var assembly = Assembly.Load(name);
                    Scan(assembly);
                    pending.Push(assembly);
                }
                catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // An optional reference that is not deployed: it cannot hold layers in use.
                }
            }
        }
    }

    private static bool IsFramework(string? name) =>
        name is null || name.StartsWith("System", StringComparison.Ordinal) ||
        name.StartsWith("Microsoft", StringComparison.Ordinal) || name == "netstandard" || name == "mscorlib";

    private static void Scan(Assembly assembly)
    {
        if (!s_scanned.Add(assembly) || assembly.IsDynamic || !BuildsOnFovea(assembly))
            return;
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types.Where(t => t is not null).ToArray()!;
        }
        foreach (var type in types)
        {
            if (type.GetCustomAttribute<RegisterLayerAttribute>() is { } attribute)
                Add(type, attribute);
        }
    }

    private static bool BuildsOnFovea(Assembly assembly)
    {
        var fovea = typeof(Layer).Assembly;
        return assembly == fovea || assembly.GetReferencedAssemblies().Any(r => r.Name == fovea.GetName().Name);
    }

    private static void Add(Type type, RegisterLayerAttribute attribute)
    {
        string name = attribute.TypeName ?? type.Name;
        var method = type.GetMethod(attribute.Factory, BindingFlags.Public | BindingFlags.Static, [typeof(JsonObject)]);
        if (method is null || !typeof(Layer).IsAssignableFrom(method.ReturnType))
            throw new FoveaException($"[RegisterLayer] on {type.FullName}: expected a public static method " +
                $"{attribute.Factory}(JsonObject) returning the layer");
        string source = type.FullName ?? type.Name;
        if (s_factories.TryGetValue(name, out var existing) && existing.Source != source)
            throw new FoveaException($"layer type name '{name}' is registered twice: by {existing.Source} and by {source}");
        var factory = method.CreateDelegate<Func<JsonObject, Layer>>();
        s_factories[name] = (factory, source);
    }
}
