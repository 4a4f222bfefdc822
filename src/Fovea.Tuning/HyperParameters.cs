using System.Globalization;

namespace Fovea.Tuning;

/// <summary>
/// The search space and one trial's values, defined by running (KerasTuner's <c>HyperParameters</c>): the build
/// function asks <c>hp.Int("num_blocks", 2, 5)</c> and receives this trial's value; the first call registers the
/// parameter in the space. A parameter declared inside <see cref="ConditionalScope"/> exists only while its parent
/// has one of the given values: otherwise the call returns the default and records nothing, so the value never
/// appears in this trial (nor leaks into what a strategy learns from it).
/// </summary>
/// <example><code>
/// Model Build(HyperParameters hp)
/// {
///     int blocks = hp.Int("num_blocks", 2, 5);
///     for (int i = 0; i &lt; blocks; i++)
///         using (hp.ConditionalScope("num_blocks", Enumerable.Range(i + 1, 5 - i).Cast&lt;object&gt;().ToArray()))
///             filters[i] = hp.Choice($"filters_{i}", [32, 64, 128, 256]);
///     double lr = hp.Float("lr", 1e-4, 1e-2, sampling: Sampling.Log);
///     ...
/// }
/// </code></example>
public sealed class HyperParameters
{
    private readonly List<HyperParameter> _space = [];
    private readonly Dictionary<string, HyperParameter> _byName = [];
    private readonly Dictionary<string, object> _values = [];
    private readonly List<Condition> _scopes = [];
    private readonly Func<HyperParameter, HyperParameters, object>? _sampler;

    /// <summary>An empty space: every parameter takes its default until values are given.</summary>
    public HyperParameters()
    {
    }

    /// <summary>
    /// A trial's hyperparameters: <paramref name="values"/> decide the parameters they name; a parameter they do not
    /// name gets <paramref name="sampler"/>'s value (a strategy's draw), else its default.
    /// </summary>
    public HyperParameters(IEnumerable<HyperParameter> space, IReadOnlyDictionary<string, object>? values,
        Func<HyperParameter, HyperParameters, object>? sampler = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(space);
        foreach (var p in space)
            Add(p);
        if (values is not null)
            foreach (var (k, v) in values)
                _values[k] = v;
        _sampler = sampler;
        Seed = seed;
    }

    /// <summary>Every parameter registered so far, in registration order (parents before their children).</summary>
    public IReadOnlyList<HyperParameter> Space => _space;

    /// <summary>This trial's values of the active parameters that were asked for or given.</summary>
    public IReadOnlyDictionary<string, object> Values => _values;

    /// <summary>A seed for this trial (the study's seed mixed with the trial number): use it to initialise the model.</summary>
    public int Seed { get; }

    /// <summary>The value of <paramref name="name"/> in this trial.</summary>
    public object this[string name] => _values.TryGetValue(name, out var v) ? v
        : throw new KeyNotFoundException($"hyperparameter '{name}' has no value in this trial; known: {string.Join(", ", _values.Keys)}");

    /// <summary>The value of <paramref name="name"/> converted to <typeparamref name="T"/>.</summary>
    public T Get<T>(string name) => (T)Convert.ChangeType(this[name], typeof(T), CultureInfo.InvariantCulture);

    /// <summary>The definition of <paramref name="name"/>, or null.</summary>
    public HyperParameter? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// An integer in [<paramref name="minValue"/>, <paramref name="maxValue"/>] on a grid of <paramref name="step"/>,
    /// sampled linearly or in log scale; default <paramref name="minValue"/>.
    /// </summary>
    public int Int(string name, int minValue, int maxValue, int step = 1, Sampling sampling = Sampling.Linear,
        int? defaultValue = null) =>
        Convert.ToInt32(Resolve(Register(name, c => new IntHyperParameter(name, minValue, maxValue, step, sampling,
            defaultValue, c))), CultureInfo.InvariantCulture);

    /// <summary>
    /// A real in [<paramref name="minValue"/>, <paramref name="maxValue"/>]: continuous, or on a grid of
    /// <paramref name="step"/>; linear, log or reverse-log sampling; default <paramref name="minValue"/>.
    /// </summary>
    public double Float(string name, double minValue, double maxValue, double? step = null,
        Sampling sampling = Sampling.Linear, double? defaultValue = null) =>
        Convert.ToDouble(Resolve(Register(name, c => new FloatHyperParameter(name, minValue, maxValue, step, sampling,
            defaultValue, c))), CultureInfo.InvariantCulture);

    /// <summary>One of <paramref name="values"/>; default the first.</summary>
    public T Choice<T>(string name, IReadOnlyList<T> values, object? defaultValue = null) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(values);
        object v = Resolve(Register(name, c => new ChoiceHyperParameter(name, values.Cast<object>().ToArray(), defaultValue, c)));
        return v is T t ? t : (T)Convert.ChangeType(v, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>True or false; default <paramref name="defaultValue"/>.</summary>
    public bool Boolean(string name, bool defaultValue = false) =>
        (bool)Resolve(Register(name, c => new BooleanHyperParameter(name, defaultValue, c)));

    /// <summary>A recorded, never searched value.</summary>
    public T Fixed<T>(string name, T value) where T : notnull
    {
        object v = Resolve(Register(name, c => new FixedHyperParameter(name, value, c)));
        return v is T t ? t : (T)Convert.ChangeType(v, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Parameters declared until the returned scope is disposed exist only when <paramref name="parentName"/> (already
    /// declared) has one of <paramref name="parentValues"/> (KerasTuner's <c>conditional_scope</c>). Scopes nest.
    /// </summary>
    public IDisposable ConditionalScope(string parentName, params object[] parentValues)
    {
        if (!_byName.ContainsKey(parentName))
            throw new ArgumentException($"ConditionalScope: parent '{parentName}' must be declared first; declared: " +
                string.Join(", ", _byName.Keys), nameof(parentName));
        var condition = new Condition(parentName, parentValues);
        _scopes.Add(condition);
        return new Scope(this, condition);
    }

    /// <summary>Whether <paramref name="parameter"/> exists given this trial's values (its conditions, recursively).</summary>
    public bool IsActive(HyperParameter parameter) => IsActive(parameter, _values);

    /// <summary>Whether <paramref name="parameter"/> exists under <paramref name="values"/>.</summary>
    public bool IsActive(HyperParameter parameter, IReadOnlyDictionary<string, object> values)
    {
        foreach (var c in parameter.Conditions)
        {
            if (!values.TryGetValue(c.Parent, out var parentValue) || !c.IsMet(parentValue))
                return false;
            if (_byName.TryGetValue(c.Parent, out var parent) && !IsActive(parent, values))
                return false;
        }
        return true;
    }

    /// <summary>Registers a parameter defined elsewhere (same name: the first definition wins, as in KerasTuner).</summary>
    public void Add(HyperParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (_byName.TryAdd(parameter.Name, parameter))
            _space.Add(parameter);
    }

    /// <summary>A copy of the space with the given values and no sampler.</summary>
    public HyperParameters WithValues(IReadOnlyDictionary<string, object> values, int seed = 0) => new(_space, values, seed: seed);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(", ", _values.Select(kv => $"{kv.Key}={HyperParameter.Format(kv.Value)}"));

    private HyperParameter Register(string name, Func<IReadOnlyList<Condition>, HyperParameter> create)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_byName.TryGetValue(name, out var existing))
            return existing;
        var p = create(_scopes.ToArray());
        Add(p);
        return p;
    }

    private object Resolve(HyperParameter p)
    {
        if (!IsActive(p))
        {
            _values.Remove(p.Name);
            return p.Default;
        }
        if (p is FixedHyperParameter)
            return _values[p.Name] = p.Default;
        if (_values.TryGetValue(p.Name, out var v))
            return v;
        return _values[p.Name] = _sampler?.Invoke(p, this) ?? p.Default;
    }

    private sealed class Scope(HyperParameters owner, Condition condition) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            owner._scopes.Remove(condition);
        }
    }
}
