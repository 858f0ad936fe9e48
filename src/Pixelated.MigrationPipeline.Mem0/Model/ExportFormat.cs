namespace Pixelated.MigrationPipeline.Mem0.Model;

/// <summary>The mem0 export shapes of FORMATS.md §0, by their code there.</summary>
public enum ExportFormat
{
    Unknown = 0,
    /// <summary>P1: Platform v3 paginated get_all page <c>{"count","next","previous","results":[...]}</c>.</summary>
    PlatformV3Page,
    /// <summary>P2: Platform v1/v2 plain list or paginated object (no v3-only keys).</summary>
    PlatformLegacyList,
    /// <summary>P3: Python SDK 1.0.x <c>{"results":[...]}</c> with Platform fields.</summary>
    PlatformSdkResults,
    /// <summary>P5: Platform history list (items with <c>memory_id</c>, <c>event</c>, <c>input</c>).</summary>
    PlatformHistory,
    /// <summary>O1: OSS Python <c>Memory.get_all</c> <c>{"results":[...]}</c>.</summary>
    OssPythonGetAll,
    /// <summary>O2: OSS Python get_all v1.0 bare list.</summary>
    OssPythonList,
}
