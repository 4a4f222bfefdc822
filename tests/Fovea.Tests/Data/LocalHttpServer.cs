using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fovea.Tests.Data;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 for download tests: serves <c>GET /data/&lt;file&gt;</c> from a
/// dictionary, answers 404 for anything else, and can cut a response short to simulate a dropped connection.
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Task _loop;
    private readonly Dictionary<string, byte[]> _files;
    private readonly HashSet<string> _cut;
    private int _requests;

    /// <param name="files">File name → content served under <see cref="BaseAddress"/>.</param>
    /// <param name="cut">Files whose response promises the full length but stops halfway and closes.</param>
    public LocalHttpServer(Dictionary<string, byte[]> files, params string[] cut)
    {
        _files = files;
        _cut = [.. cut];
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/data/");
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseAddress { get; }

    /// <summary>Number of requests answered so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>A loopback address where nothing listens (a port that was just released).</summary>
    public static Uri UnreachableAddress()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/data/");
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => Handle(client));
        }
    }

    private void Handle(TcpClient client)
    {
        using (client)
        using (var stream = client.GetStream())
        {
            string path = ReadRequestPath(stream);
            Interlocked.Increment(ref _requests);
            const string prefix = "/data/";
            string file = path.StartsWith(prefix, StringComparison.Ordinal)
                ? Uri.UnescapeDataString(path[prefix.Length..])
                : "";
            if (!_files.TryGetValue(file, out byte[]? body))
            {
                stream.Write(Encoding.ASCII.GetBytes(
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                return;
            }
            stream.Write(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nContent-Type: application/octet-stream\r\n"
                + "Connection: close\r\n\r\n"));
            stream.Write(_cut.Contains(file) ? body.AsSpan(0, body.Length / 2) : body);
        }
    }

    private static string ReadRequestPath(NetworkStream stream)
    {
        var head = new StringBuilder();
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            head.Append((char)b);
            if (head.Length >= 4 && head.ToString(head.Length - 4, 4) == "\r\n\r\n")
                break;
        }
        string[] requestLine = head.ToString().Split("\r\n")[0].Split(' ');
        return requestLine.Length >= 2 ? requestLine[1] : "";
    }

    public void Dispose()
    {
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
