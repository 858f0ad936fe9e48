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
    /// <summary>O2: OSS Python get_all v1.0 bare list (also the OpenMemory MCP <c>list_memories</c> output).</summary>
    OssPythonList,
    /// <summary>P4: Platform get_all with graph: <c>{"results":[...],"relations":[...]}</c> (relations are ignored).</summary>
    PlatformGraphResults,
    /// <summary>P6: Platform structured export (<c>get_memory_export</c>, schema-shaped), its create response, its
    /// "not ready" body or the schema itself. Carries no records: refused with an explanation.</summary>
    PlatformStructuredExport,
    /// <summary>P7: Platform listing dumped from the JS/TS SDK ≥ 3.0 (camelCase keys).</summary>
    PlatformJsSdkDump,
    /// <summary>P8: mem0 CLI <c>mem0 list -o json</c> envelope <c>{"status","command",...,"scope","data":[...]}</c>.</summary>
    PlatformCliList,
    /// <summary>P9: mem0 Claude-Code/Cursor plugin Markdown export (<c>---</c> frontmatter blocks).</summary>
    PlatformPluginMarkdown,
    /// <summary>A single Platform / OSS memory object (<c>GET /v1/memories/{id}/</c>, OSS <c>Memory.get</c>).</summary>
    SingleMemory,
    /// <summary>Platform <c>GET /v1/entities/</c> listing: users/agents/runs, no memories. Refused with an explanation.</summary>
    PlatformEntityList,
    /// <summary>O3: OSS Python <c>Memory.history</c> list (10-key or legacy 7-key rows).</summary>
    OssPythonHistory,
    /// <summary>O3/O4: OSS <c>history.db</c> / TS <c>memory.db</c> SQLite file (tables history / memory_history, messages).</summary>
    OssHistoryDb,
    /// <summary>O3: SQL text dump (<c>sqlite3 history.db .dump</c>) of an OSS history database.</summary>
    OssHistorySqlDump,
    /// <summary>O4: OSS TypeScript <c>Memory.getAll</c> <c>{results:[...]}</c> (camelCase timestamps).</summary>
    OssTypeScriptGetAll,
    /// <summary>O4: OSS TypeScript history rows (<c>previous_value</c>, <c>new_value</c>, <c>action</c>, integer ids).</summary>
    OssTypeScriptHistory,
    /// <summary>O5: self-hosted REST server admin listing (every key present, nulls explicit).</summary>
    OssServerListing,
    /// <summary>O6: raw Qdrant scroll response <c>{"result":{"points":[{id,payload}]}}</c>.</summary>
    OssQdrantScroll,
    /// <summary>O7: <c>mem0_oss_qdrant_export</c> artifact of <c>scripts/oss-to-platform-migrate.sh</c>.</summary>
    OssQdrantMigrationExport,
    /// <summary>OSS TypeScript vector store SQLite file (<c>vector_store.db</c>, table <c>vectors(id, vector, payload)</c>).</summary>
    OssTypeScriptVectorStoreDb,
    /// <summary>M1/M2: OpenMemory backup zip (<c>memories.json</c> + <c>memories.jsonl.gz</c>).</summary>
    OpenMemoryBackupZip,
    /// <summary>M1/M2: the <c>memories.json</c> member of an OpenMemory backup, on its own.</summary>
    OpenMemoryBackupJson,
    /// <summary>M1/M2: the <c>memories.jsonl(.gz)</c> member of an OpenMemory backup, on its own (no user field).</summary>
    OpenMemoryBackupJsonl,
    /// <summary>M3: OpenMemory REST listing <c>{"items","total","page","size","pages"}</c> (no user field).</summary>
    OpenMemoryRestPage,
    /// <summary>M3: OpenMemory REST single memory <c>GET /api/v1/memories/{id}</c> (<c>text</c>, epoch created_at).</summary>
    OpenMemoryRestMemory,
    /// <summary>JSON Lines file of memory records (one get_all record per line).</summary>
    MemoryJsonLines,
}
