using System.Text.Json;

namespace Pixelated.ZepEmulator.Endpoints;

/// <summary>The fields a PATCH /users/{userId} body carries, distinguishing "absent" from "null".</summary>
internal sealed class UserPatch
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);

    public static UserPatch From(IReadOnlyDictionary<string, JsonElement> body)
    {
        var patch = new UserPatch();
        foreach (var (name, value) in body)
        {
            patch._fields[name] = value;
        }

        // Touch the typed accessors once so a wrong type fails here (InvalidOperationException).
        _ = patch.Text("email");
        _ = patch.Text("first_name");
        _ = patch.Text("last_name");
        _ = patch.Text("time_zone");
        _ = patch.Flag("disable_default_ontology");
        _ = patch.Metadata();
        return patch;
    }

    public StoredUser ApplyTo(StoredUser user, DateTimeOffset now) => user with
    {
        Email = Has("email") ? Text("email") : user.Email,
        FirstName = Has("first_name") ? Text("first_name") : user.FirstName,
        LastName = Has("last_name") ? Text("last_name") : user.LastName,
        TimeZone = Has("time_zone") ? Text("time_zone") : user.TimeZone,
        DisableDefaultOntology = Flag("disable_default_ontology") ?? user.DisableDefaultOntology,
        Metadata = Has("metadata") ? Metadata() : user.Metadata,
        UpdatedAt = now,
    };

    private bool Has(string name) => _fields.ContainsKey(name);

    private string? Text(string name) =>
        _fields.TryGetValue(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetString() : null;

    private bool? Flag(string name) =>
        _fields.TryGetValue(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetBoolean() : null;

    private Dictionary<string, JsonElement>? Metadata()
    {
        if (!_fields.TryGetValue("metadata", out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException("metadata must be an object");
        }

        return v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }
}
