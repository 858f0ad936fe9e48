using System.Text.Json;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>JSON value kinds named as a reason says them ("found an array"): the words every reader's problems use.</summary>
public static class JsonKinds
{
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "an undefined value",
    };
}
