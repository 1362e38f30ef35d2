using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Npgsql;

namespace GridMap.Cli.Operations;

/// <summary>
/// PostgreSQL's own programs (pg_basebackup, pg_receivewal, pg_ctl) as this machine has them: Debian's
/// /usr/lib/postgresql/15/bin unless GRIDMAP_PGBIN says otherwise. The client programs take the connection string's
/// host, port, user and password; a server (pg_ctl) runs as the postgres account when we are root, as PostgreSQL
/// refuses to run as root.
/// </summary>
internal sealed partial class PostgresTools(string connectionString)
{
    public static string BinDirectory => Environment.GetEnvironmentVariable("GRIDMAP_PGBIN") is { Length: > 0 } bin ? bin : "/usr/lib/postgresql/15/bin";

    public static bool IsRoot => Environment.UserName == "root";

    // The programs running now: they go with us however we are stopped (run.sh's Ctrl-C sends SIGTERM to gridmap
    // backup; pg_receivewal would otherwise go on retrying a stopped server, pg_basebackup go on copying).
    private static readonly ConcurrentDictionary<Process, byte> Running = new();
    private static readonly PosixSignalRegistration OnTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => StopAll());
    private static readonly PosixSignalRegistration OnInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => StopAll());

    static PostgresTools() => AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();

    private static void StopAll()
    {
        foreach (var process in Running.Keys)
        {
            try
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // gone meanwhile
            }
        }
    }

    private readonly NpgsqlConnectionStringBuilder settings = new(connectionString);

    /// <summary>A client program against the cluster of the connection string (host, port, user; the password in PGPASSWORD).</summary>
    public ProcessStartInfo Client(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(BinDirectory, program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--host=" + settings.Host);
        start.ArgumentList.Add("--port=" + settings.Port);
        start.ArgumentList.Add("--username=" + settings.Username);
        start.ArgumentList.Add("--no-password");
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        if (settings.Password is { } password)
            start.Environment["PGPASSWORD"] = password;
        return start;
    }

    /// <summary>A server program (pg_ctl), as the postgres account when we are root.</summary>
    public static ProcessStartInfo Server(string program, params string[] arguments)
    {
        var path = Path.Combine(BinDirectory, program);
        var start = new ProcessStartInfo(IsRoot ? "runuser" : path) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (IsRoot)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add("postgres");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(path);
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>Runs to the end; every output line goes to <paramref name="onLine"/>; throws with the last lines on a non-zero exit.</summary>
    public static async Task RunAsync(ProcessStartInfo start, Action<string>? onLine, CancellationToken ct)
    {
        using var process = Start(start, onLine, out var tail);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(start.FileName)} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {string.Join(" | ", tail)}");
    }

    /// <summary>Starts a long-running program (pg_receivewal); output lines to <paramref name="onLine"/>.</summary>
    public static Process Start(ProcessStartInfo start, Action<string>? onLine, out Queue<string> tail)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        Running[process] = 0;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => Running.TryRemove(process, out _);
        var lines = new Queue<string>();
        void Line(string? line)
        {
            if (line is null)
                return;
            lock (lines)
            {
                lines.Enqueue(line);
                if (lines.Count > 5)
                    lines.Dequeue();
            }
            onLine?.Invoke(line);
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        tail = lines;
        return process;
    }

    /// <summary>Gives a folder to the postgres account when we are root (a cluster's data folder must belong to its server).</summary>
    public static async Task GiveToServerAsync(string folder, CancellationToken ct)
    {
        if (!IsRoot)
            return;
        var chown = new ProcessStartInfo("chown") { RedirectStandardOutput = true, RedirectStandardError = true };
        chown.ArgumentList.Add("-R");
        chown.ArgumentList.Add("postgres:postgres");
        chown.ArgumentList.Add(folder);
        await RunAsync(chown, null, ct);
    }

    /// <summary>
    /// Starts a cluster again with the options it last ran with (its postmaster.opts: run.sh passes port and memory there,
    /// not in postgresql.conf) — after a crash, crash recovery. Processes the killed server left behind exit within
    /// moments; until then its shared memory is in use, so the start is retried for ten seconds.
    /// </summary>
    public static async Task StartAsLastRunAsync(string pgData, CancellationToken ct)
    {
        // The program path first, unquoted, then each argument in double quotes.
        var arguments = QuotedArgument().Matches(await File.ReadAllTextAsync(Path.Combine(pgData, "postmaster.opts"), ct))
            .Select(m => m.Groups[1].Value).ToList();
        var dataAt = arguments.IndexOf("-D");
        if (dataAt >= 0)
            arguments.RemoveRange(dataAt, 2);
        var shellQuoted = string.Join(' ', arguments.Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunAsync(Server("pg_ctl", "-D", pgData, "-l", Path.Combine(pgData, "server.log"), "-w", "-t", "300", "-o", shellQuoted, "start"), null, ct);
                return;
            }
            catch (InvalidOperationException) when (attempt < 20)
            {
                await Task.Delay(500, ct);
            }
        }
    }

    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex QuotedArgument();
}
