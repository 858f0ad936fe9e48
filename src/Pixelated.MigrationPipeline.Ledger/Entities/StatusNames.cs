using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pixelated.MigrationPipeline.Ledger.Entities;

/// <summary>
/// The one vocabulary of statuses on every interface (API JSON and its OpenAPI enums, CLI output, CSV report, ledger
/// views): snake_case, <c>completed_with_errors</c>, <c>dry_run_completed</c>, <c>verified</c>, <c>failed</c>, <c>sent</c>...
/// For <see cref="RunStatus"/>, <see cref="UserStatus"/>, <see cref="ItemStatus"/> and <see cref="WriteState"/> (and any
/// other enum a report shows). The ledger's tables keep the enum names (PascalCase); the views (V3 on) show these.
/// </summary>
public static class StatusNames
{
    /// <summary>How an enum name becomes its wire name: <c>CompletedWithErrors</c> → <c>completed_with_errors</c>.</summary>
    public static readonly JsonNamingPolicy Policy = JsonNamingPolicy.SnakeCaseLower;

    public static string ToWire<TEnum>(TEnum value) where TEnum : struct, Enum =>
        Names<TEnum>.ToWire.TryGetValue(value, out var name) ? name : Policy.ConvertName(value.ToString());

    /// <summary>The value of a wire name (case-insensitive; the enum name itself is accepted too). Numbers are not names.</summary>
    public static bool TryParse<TEnum>(string? wire, out TEnum value) where TEnum : struct, Enum =>
        Names<TEnum>.FromWire.TryGetValue(wire ?? "", out value);

    /// <summary>Every wire name of <typeparamref name="TEnum"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<TEnum>() where TEnum : struct, Enum => Names<TEnum>.All;

    /// <summary>The JSON converter every interface uses: enums as their wire names, never as numbers.</summary>
    public static JsonStringEnumConverter JsonConverter() => new(Policy, allowIntegerValues: false);

    private static class Names<TEnum> where TEnum : struct, Enum
    {
        public static readonly string[] All = Enum.GetValues<TEnum>().Select(v => Policy.ConvertName(v.ToString())).ToArray();

        public static readonly FrozenDictionary<TEnum, string> ToWire =
            Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => Policy.ConvertName(v.ToString()));

        public static readonly FrozenDictionary<string, TEnum> FromWire = Enum.GetValues<TEnum>()
            .SelectMany(v => new[] { (Name: Policy.ConvertName(v.ToString()), Value: v), (Name: v.ToString(), Value: v) })
            .DistinctBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(p => p.Name, p => p.Value, StringComparer.OrdinalIgnoreCase);
    }
}
