#!/usr/bin/env python3
"""gen_datasets.py: writes the bundled datasets of mockhttp's dataset mode.

    gen_datasets.py [OUTDIR]     (default: tests/data beside this file)

Writes OUTDIR/pokeapi/pokeapi.json and OUTDIR/shopify/shopify.json. The
output is deterministic (no clock, no randomness: numbers come from a hash
of the record's name), so running it again gives the same bytes; the files
are committed and t-mock-dataset.sh checks they are up to date.

Strings holding %URL are served with the server's own http://127.0.0.1:PORT
in its place (see tests/mock/README.md).
"""

import datetime
import hashlib
import json
import os
import sys

# ---------------------------------------------------------------------------
# PokeAPI


def num(seed, lo, hi):
    """A number in [lo, hi], the same for the same seed every time."""
    h = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:4], "big")
    return lo + h % (hi - lo + 1)


# The first 60 of the national dex: name, types, abilities (the last one
# the hidden ability, after a "/").
POKEMON = """\
bulbasaur grass,poison overgrow/chlorophyll
ivysaur grass,poison overgrow/chlorophyll
venusaur grass,poison overgrow/chlorophyll
charmander fire blaze/solar-power
charmeleon fire blaze/solar-power
charizard fire,flying blaze/solar-power
squirtle water torrent/rain-dish
wartortle water torrent/rain-dish
blastoise water torrent/rain-dish
caterpie bug shield-dust/run-away
metapod bug shed-skin
butterfree bug,flying compound-eyes/tinted-lens
weedle bug,poison shield-dust/run-away
kakuna bug,poison shed-skin
beedrill bug,poison swarm/sniper
pidgey normal,flying keen-eye,tangled-feet/big-pecks
pidgeotto normal,flying keen-eye,tangled-feet/big-pecks
pidgeot normal,flying keen-eye,tangled-feet/big-pecks
rattata normal run-away,guts/hustle
raticate normal run-away,guts/hustle
spearow normal,flying keen-eye/sniper
fearow normal,flying keen-eye/sniper
ekans poison intimidate,shed-skin/unnerve
arbok poison intimidate,shed-skin/unnerve
pikachu electric static/lightning-rod
raichu electric static/lightning-rod
sandshrew ground sand-veil/sand-rush
sandslash ground sand-veil/sand-rush
nidoran-f poison poison-point,rivalry/hustle
nidorina poison poison-point,rivalry/hustle
nidoqueen poison,ground poison-point,rivalry/sand-force
nidoran-m poison poison-point,rivalry/hustle
nidorino poison poison-point,rivalry/hustle
nidoking poison,ground poison-point,rivalry/sand-force
clefairy fairy cute-charm,magic-guard/friend-guard
clefable fairy cute-charm,magic-guard/unaware
vulpix fire flash-fire/drought
ninetales fire flash-fire/drought
jigglypuff normal,fairy cute-charm,competitive/friend-guard
wigglytuff normal,fairy cute-charm,competitive/frisk
zubat poison,flying inner-focus/infiltrator
golbat poison,flying inner-focus/infiltrator
oddish grass,poison chlorophyll/run-away
gloom grass,poison chlorophyll/stench
vileplume grass,poison chlorophyll/effect-spore
paras bug,grass effect-spore,dry-skin/damp
parasect bug,grass effect-spore,dry-skin/damp
venonat bug,poison compound-eyes,tinted-lens/run-away
venomoth bug,poison shield-dust,tinted-lens/wonder-skin
diglett ground sand-veil,arena-trap/sand-force
dugtrio ground sand-veil,arena-trap/sand-force
meowth normal pickup,technician/unnerve
persian normal limber,technician/unnerve
psyduck water damp,cloud-nine/swift-swim
golduck water damp,cloud-nine/swift-swim
mankey fighting vital-spirit,anger-point/defiant
primeape fighting vital-spirit,anger-point/defiant
growlithe fire intimidate,flash-fire/justified
arcanine fire intimidate,flash-fire/justified
poliwag water water-absorb,damp/swift-swim
"""

ABILITY_IDS = {
    "stench": 1, "damp": 6, "limber": 7, "sand-veil": 8, "static": 9,
    "water-absorb": 11, "cloud-nine": 13, "compound-eyes": 14,
    "flash-fire": 18, "shield-dust": 19, "intimidate": 22,
    "effect-spore": 27, "lightning-rod": 31, "swift-swim": 33,
    "chlorophyll": 34, "poison-point": 38, "inner-focus": 39,
    "rain-dish": 44, "run-away": 50, "keen-eye": 51, "pickup": 53,
    "hustle": 55, "cute-charm": 56, "shed-skin": 61, "guts": 62,
    "overgrow": 65, "blaze": 66, "torrent": 67, "swarm": 68, "drought": 70,
    "arena-trap": 71, "vital-spirit": 72, "tangled-feet": 77, "rivalry": 79,
    "anger-point": 83, "dry-skin": 87, "solar-power": 94, "sniper": 97,
    "magic-guard": 98, "technician": 101, "unaware": 109,
    "tinted-lens": 110, "frisk": 119, "unnerve": 127, "defiant": 128,
    "friend-guard": 132, "big-pecks": 145, "sand-rush": 146,
    "wonder-skin": 147, "infiltrator": 151, "justified": 154,
    "sand-force": 159, "competitive": 172,
}

# The types the 60 pokemon have, with their real ids (not contiguous).
TYPES = [("normal", 1), ("fighting", 2), ("flying", 3), ("poison", 4),
         ("ground", 5), ("bug", 7), ("fire", 10), ("water", 11),
         ("grass", 12), ("electric", 13), ("fairy", 18)]
TYPE_ID = dict(TYPES)
WEAK = {  # double damage from
    "normal": ["fighting"], "fighting": ["flying", "fairy"],
    "flying": ["electric"], "poison": ["ground"],
    "ground": ["water", "grass"], "bug": ["flying", "fire"],
    "fire": ["water", "ground"], "water": ["grass", "electric"],
    "grass": ["flying", "poison", "bug", "fire"], "electric": ["ground"],
    "fairy": ["poison"],
}

STATS = ["hp", "attack", "defense", "special-attack", "special-defense",
         "speed"]

# Real values for two well-known ones; the others are made up, stable.
KNOWN = {
    "bulbasaur": dict(height=7, weight=69, base_experience=64,
                      stats=[45, 49, 49, 65, 65, 45]),
    "pikachu": dict(height=4, weight=60, base_experience=112,
                    stats=[35, 55, 40, 50, 50, 90]),
}

BERRIES = ["cheri", "chesto", "pecha", "rawst", "aspear", "leppa", "oran",
           "persim", "lum", "sitrus", "figy", "wiki", "mago", "aguav",
           "iapapa"]
FIRMNESS = [("very-soft", 1), ("soft", 2), ("hard", 3), ("very-hard", 4),
            ("super-hard", 5)]
FLAVORS = [("spicy", 1), ("dry", 2), ("sweet", 3), ("bitter", 4),
           ("sour", 5)]
GIFT_TYPES = ["fire", "water", "electric", "grass", "ice", "fighting",
              "poison", "ground", "flying", "psychic", "bug", "rock",
              "ghost", "dragon", "dark"]
GIFT_TYPE_IDS = {"fire": 10, "water": 11, "electric": 13, "grass": 12,
                 "ice": 15, "fighting": 2, "poison": 4, "ground": 5,
                 "flying": 3, "psychic": 14, "bug": 7, "rock": 6,
                 "ghost": 8, "dragon": 16, "dark": 17}

API = "%URL/api/v2"


def ref(kind, name, id):
    return {"name": name, "url": "%s/%s/%d/" % (API, kind, id)}


def pokemon_records():
    out = []
    for i, line in enumerate(POKEMON.splitlines(), 1):
        name, types, abilities = line.split()
        shown, _, hidden = abilities.partition("/")
        abil = [{"ability": ref("ability", a, ABILITY_IDS[a]),
                 "is_hidden": False, "slot": k}
                for k, a in enumerate(shown.split(","), 1)]
        if hidden:
            abil.append({"ability": ref("ability", hidden,
                                        ABILITY_IDS[hidden]),
                         "is_hidden": True, "slot": 3})
        k = KNOWN.get(name, {})
        base = [num(name + s, 30, 110) for s in STATS]
        stats = k.get("stats", base)
        out.append({
            "id": i,
            "name": name,
            "base_experience": k.get("base_experience",
                                     num(name + "xp", 50, 240)),
            "height": k.get("height", num(name + "h", 3, 20)),
            "weight": k.get("weight", num(name + "w", 20, 1200)),
            "order": i,
            "is_default": True,
            "species": ref("pokemon-species", name, i),
            "abilities": abil,
            "forms": [ref("pokemon-form", name, i)],
            "types": [{"slot": k, "type": ref("type", t, TYPE_ID[t])}
                      for k, t in enumerate(types.split(","), 1)],
            "stats": [{"base_stat": v, "effort": 1 if v == max(stats) else 0,
                       "stat": ref("stat", s, j)}
                      for j, (s, v) in enumerate(zip(STATS, stats), 1)],
            "location_area_encounters": "%s/pokemon/%d/encounters" % (API, i),
            "cries": {"latest": "%s/latest/%d.ogg" % (CRIES, i),
                      "legacy": "%s/legacy/%d.ogg" % (CRIES, i)},
            "game_indices": [{"game_index": num(name + v, 1, 190),
                              "version": ref("version", v, vid)}
                             for v, vid in VERSIONS],
            "held_items": [{"item": ref("item", it, iid),
                            "version_details": [
                                {"rarity": rarity,
                                 "version": ref("version", v, vid)}
                                for v, vid in VERSIONS[3:]]}
                           for it, iid, rarity in HELD.get(name, [])],
            "moves": [{"move": ref("move", m, mid),
                       "version_group_details": [{
                           "level_learned_at": 1 if m in ("tackle", "growl")
                           else num(name + m, 5, 45),
                           "move_learn_method": ref("move-learn-method",
                                                    "level-up", 1),
                           "version_group": ref("version-group", "red-blue",
                                                1),
                           "order": None}]}
                      for m, mid in moves_of(name, types.split(","))],
            "past_abilities": [],
            "past_types": ([{"generation": ref("generation", "generation-v",
                                               5),
                             "types": [{"slot": 1, "type":
                                        ref("type", "normal", 1)}]}]
                           if "fairy" in types else []),
            "sprites": sprites(i),
        })
    return out


# The first three versions of generation I, then gold and silver.
VERSIONS = [("red", 1), ("blue", 2), ("yellow", 3), ("gold", 4),
            ("silver", 5)]
# What some of them hold when met in the wild (item, id, rarity).
HELD = {"pikachu": [("oran-berry", 132, 50), ("light-ball", 213, 5)],
        "clefairy": [("moon-stone", 81, 5)],
        "butterfree": [("silver-powder", 199, 5)]}
MOVES = {"normal": ("tackle", 33), "grass": ("vine-whip", 22),
         "fire": ("ember", 52), "water": ("water-gun", 55),
         "bug": ("string-shot", 81), "poison": ("poison-sting", 40),
         "flying": ("gust", 16), "electric": ("thunder-shock", 84),
         "ground": ("sand-attack", 28), "fairy": ("pound", 1),
         "fighting": ("low-kick", 67)}
CRIES = "https://raw.githubusercontent.com/PokeAPI/cries/main/cries/pokemon"
SPRITES = "https://raw.githubusercontent.com/PokeAPI/sprites/master/" \
    "sprites/pokemon"


def moves_of(name, types):
    """growl, and a move of each of its types, once each."""
    out = [("growl", 45)]
    for t in types:
        if MOVES[t] not in out:
            out.append(MOVES[t])
    return out


def sprites(i):
    def png(kind):
        return "%s/%s%d.png" % (SPRITES, kind, i)
    return {"back_default": png("back/"), "back_female": None,
            "back_shiny": png("back/shiny/"), "back_shiny_female": None,
            "front_default": png(""), "front_female": None,
            "front_shiny": png("shiny/"), "front_shiny_female": None,
            "other": {"official-artwork": {
                "front_default": png("other/official-artwork/"),
                "front_shiny": png("other/official-artwork/shiny/")}},
            "versions": {"generation-i": {"red-blue": {
                "front_default": png("versions/generation-i/red-blue/")}}}}


def berry_records():
    out = []
    for i, name in enumerate(BERRIES, 1):
        firm = FIRMNESS[num(name + "firm", 0, len(FIRMNESS) - 1)]
        gift = GIFT_TYPES[i - 1]
        out.append({
            "id": i,
            "name": name,
            "growth_time": num(name + "g", 2, 24),
            "max_harvest": num(name + "m", 5, 15),
            "natural_gift_power": 60 if i <= 10 else 70,
            "size": num(name + "s", 20, 300),
            "smoothness": num(name + "sm", 20, 60),
            "soil_dryness": num(name + "d", 4, 35),
            "firmness": ref("berry-firmness", *firm),
            "flavors": [{"potency": (10 if k == (i - 1) % 5 else 0),
                         "flavor": ref("berry-flavor", f, fid)}
                        for k, (f, fid) in enumerate(FLAVORS)],
            "item": ref("item", name + "-berry", 125 + i),
            "natural_gift_type": ref("type", gift, GIFT_TYPE_IDS[gift]),
        })
    return out


def type_records(pokemon):
    out = []
    for name, id in TYPES:
        members = [{"slot": t["slot"],
                    "pokemon": ref("pokemon", p["name"], p["id"])}
                   for p in pokemon for t in p["types"]
                   if t["type"]["name"] == name]
        out.append({
            "id": id,
            "name": name,
            "damage_relations": {
                "double_damage_from": [ref("type", w, TYPE_ID[w])
                                       for w in WEAK[name]],
                "double_damage_to": [ref("type", t, TYPE_ID[t])
                                     for t, _ in TYPES
                                     if name in WEAK[t]],
                "half_damage_from": [], "half_damage_to": [],
                "no_damage_from": [], "no_damage_to": [],
            },
            "generation": ref("generation", "generation-vi"
                              if name == "fairy" else "generation-i",
                              6 if name == "fairy" else 1),
            "move_damage_class": (None if name == "fairy" else
                                  ref("move-damage-class", "physical", 2)),
            "names": [{"language": ref("language", "en", 9),
                       "name": name.capitalize()}],
            "pokemon": members,
        })
    return out


def pokeapi():
    pokemon = pokemon_records()
    return {"dataset": "pokeapi",
            "streams": {"pokemon": pokemon, "berry": berry_records(),
                        "type": type_records(pokemon)}}


# ---------------------------------------------------------------------------
# Shopify: a shop in America/New_York, whose clocks went back at
# 2024-11-03 06:00 UTC (01:59:59-04:00 is followed by 01:00:00-05:00).

UTC = datetime.timezone.utc
DST_END = datetime.datetime(2024, 11, 3, 6, 0, tzinfo=UTC)


def local(t):
    """A UTC datetime as the shop writes it: New York time, its offset."""
    off = -4 if t < DST_END else -5
    tz = datetime.timezone(datetime.timedelta(hours=off))
    return t.astimezone(tz).isoformat()


def utc(s):
    return datetime.datetime.fromisoformat(s).astimezone(UTC)


FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances",
         "Ken", "Dennis", "Margaret", "Niklaus", "Radia", "Tony", "Leslie",
         "Sophie", "John", "Hedy", "Linus", "Karen", "Bjarne", "Guido",
         "Shafi", "Whitfield", "Adele", "Butler", "Jean", "Fran", "Dana",
         "Ivan", "Mary"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth",
        "Allen", "Thompson", "Ritchie", "Hamilton", "Wirth", "Perlman",
        "Hoare", "Lamport", "Wilson", "McCarthy", "Lamarr", "Torvalds",
        "Spärck Jones", "Stroustrup", "van Rossum", "Goldwasser", "Diffie",
        "Goldberg", "Lampson", "Sammet", "Bilas", "Scott", "Sutherland",
        "Shaw"]
PRODUCTS = ["Canvas Tote", "Enamel Mug", "Wool Beanie", "Linen Apron",
            "Cast Iron Skillet", "Chef Knife", "Cutting Board",
            "French Press", "Pour-Over Kettle", "Ceramic Bowl",
            "Bamboo Utensils", "Glass Jar Set", "Tea Towel", "Olive Oil",
            "Sea Salt Flakes", "Pepper Mill", "Bread Tin", "Butter Dish",
            "Salad Spinner", "Herb Scissors", "Spice Rack", "Stock Pot",
            "Dutch Oven", "Rolling Pin", "Whisk", "Mixing Bowls",
            "Oven Mitts", "Trivet", "Wine Opener", "Cheese Grater"]

ORDER_ID = 5234567890123456789      # beyond 2^53: doubles cannot hold it
CUSTOMER_ID = 7234567890123456001
PRODUCT_ID = 8234567890123456001
VARIANT_ID = 4234567890123456001
LINE_ID = 1334567890123456001
ADDRESS_ID = 9234567890123456001
IMAGE_ID = 3234567890123456001
INVENTORY_ITEM_ID = 2234567890123456001
OPTION_ID = 6234567890123456001
SHIPPING_LINE_ID = 2934567890123456001
FULFILLMENT_ID = 4934567890123456001
REFUND_ID = 8934567890123456001
REFUND_LINE_ID = 1934567890123456001
TRANSACTION_ID = 6934567890123456001


def money(cents):
    return "%d.%02d" % divmod(cents, 100)


def money_set(cents, currency="USD"):
    """A Shopify MoneyBag: the amount in shop and presentment currency."""
    m = {"amount": money(cents), "currency_code": currency}
    return {"shop_money": dict(m), "presentment_money": dict(m)}


def times(start, n, step_min, special):
    """n instants from start, step_min apart, special ones (index ->
    datetime) put in their place."""
    out = [start + datetime.timedelta(minutes=step_min * i)
           for i in range(n)]
    for i, t in special.items():
        out[i] = t
    return out


def customers():
    out = []
    ts = times(datetime.datetime(2024, 11, 2, 14, 0, tzinfo=UTC), 30, 117, {
        # across the change, a pair that sorts the wrong way as strings
        12: utc("2024-11-03T01:40:00-04:00"),
        13: utc("2024-11-03T01:05:00-05:00"),
    })
    for i in range(30):
        first, last = FIRST[i], LAST[i]
        email = "%s.%s@example.com" % (first.lower(),
                                       last.lower().replace(" ", "")
                                       .replace("ä", "a"))
        created = ts[i] - datetime.timedelta(days=30 + num(first, 0, 300))
        out.append({
            "id": CUSTOMER_ID + i,
            "email": email,
            "first_name": first,
            "last_name": last,
            "phone": "+1613555%04d" % (num(email, 0, 9999)),
            "state": "enabled",
            "verified_email": i % 6 != 5,
            "accepts_marketing": i % 3 == 0,
            "orders_count": 0,
            "total_spent": "0.00",
            "currency": "USD",
            "tags": "vip" if i % 7 == 0 else "",
            "note": None,
            "created_at": local(created),
            "updated_at": local(ts[i]),
            "admin_graphql_api_id": "gid://shopify/Customer/%d"
                                    % (CUSTOMER_ID + i),
            "accepts_marketing_updated_at": local(created),
            "marketing_opt_in_level": ("single_opt_in" if i % 3 == 0
                                       else None),
            "email_marketing_consent": {
                "state": "subscribed" if i % 3 == 0 else "not_subscribed",
                "opt_in_level": "single_opt_in",
                "consent_updated_at": local(created) if i % 3 == 0
                else None},
            "sms_marketing_consent": None,
            "tax_exempt": i == 11,
            "tax_exemptions": ["CA_STATUS_CARD_EXEMPTION"] if i == 11 else [],
            "multipass_identifier": None,
            "last_order_id": None,
            "last_order_name": None,
            "addresses": [address(i, first, last)],
            "default_address": address(i, first, last),
        })
    return out


CITIES = [("Ottawa", "Ontario", "ON", "Canada", "CA", "K1P 1J1"),
          ("New York", "New York", "NY", "United States", "US", "10001"),
          ("Boston", "Massachusetts", "MA", "United States", "US", "02108")]


def address(i, first, last):
    """A customer's (default) address, as Shopify writes one."""
    city, prov, pcode, country, ccode, zipc = CITIES[i % len(CITIES)]
    return {"id": ADDRESS_ID + i, "customer_id": CUSTOMER_ID + i,
            "first_name": first, "last_name": last, "company": None,
            "address1": "%d Main Street" % (10 + i), "address2": "",
            "city": city, "province": prov, "country": country,
            "zip": zipc, "phone": None, "name": "%s %s" % (first, last),
            "province_code": pcode, "country_code": ccode,
            "country_name": country, "default": True}


def products():
    out = []
    ts = times(datetime.datetime(2024, 11, 1, 9, 0, tzinfo=UTC), 30, 181, {
        16: utc("2024-11-03T01:20:00-04:00"),
        17: utc("2024-11-03T01:15:00-05:00"),
    })
    for i, title in enumerate(PRODUCTS):
        pid = PRODUCT_ID + i
        created = ts[i] - datetime.timedelta(days=60 + num(title, 0, 200))
        handle = title.lower().replace(" ", "-")
        price = num(title + "p", 500, 15000)
        variants = []
        for k, size in enumerate(["Small", "Large"] if i % 3 == 0
                                 else ["Default Title"]):
            variants.append({
                "id": VARIANT_ID + 10 * i + k,
                "product_id": pid,
                "title": size,
                "price": money(price + 500 * k),
                "compare_at_price": None,
                "sku": "%s-%d" % (handle[:8].upper(), k + 1),
                "position": k + 1,
                "inventory_quantity": num(title + size, 0, 120),
                "taxable": True,
                "grams": num(title + "g", 50, 4000),
                "created_at": local(created),
                "updated_at": local(ts[i]),
                "admin_graphql_api_id": "gid://shopify/ProductVariant/%d"
                                        % (VARIANT_ID + 10 * i + k),
                "barcode": None,
                "fulfillment_service": "manual",
                "image_id": None,
                "inventory_item_id": INVENTORY_ITEM_ID + 10 * i + k,
                "inventory_management": "shopify",
                "inventory_policy": "deny",
                "old_inventory_quantity": num(title + size, 0, 120),
                "option1": size,
                "option2": None,
                "option3": None,
                "requires_shipping": True,
                "weight": num(title + "g", 50, 4000) / 1000,
                "weight_unit": "kg",
            })
        out.append({
            "id": pid,
            "title": title,
            "body_html": "<p>%s, made to last.</p>" % title,
            "vendor": "Integ Goods",
            "product_type": "Kitchen" if i % 2 else "Home",
            "handle": handle,
            "status": "active" if i % 10 != 9 else "draft",
            "tags": "",
            "created_at": local(created),
            "updated_at": local(ts[i]),
            "published_at": local(created) if i % 10 != 9 else None,
            "variants": variants,
            "admin_graphql_api_id": "gid://shopify/Product/%d" % pid,
            "published_scope": "global",
            "template_suffix": None,
            "options": [{"id": OPTION_ID + i, "product_id": pid,
                         "name": "Size" if len(variants) > 1 else "Title",
                         "position": 1,
                         "values": [v["title"] for v in variants]}],
            "images": [image(i, pid, handle, created, ts[i])],
            "image": image(i, pid, handle, created, ts[i]),
        })
    return out


def image(i, pid, handle, created, updated):
    return {"id": IMAGE_ID + i, "product_id": pid, "position": 1,
            "created_at": local(created), "updated_at": local(updated),
            "alt": None, "width": 1024, "height": 1024,
            "src": "https://cdn.shopify.com/s/files/1/0000/0001/products/"
                   "%s.jpg" % handle,
            "variant_ids": [],
            "admin_graphql_api_id": "gid://shopify/ProductImage/%d"
                                    % (IMAGE_ID + i)}


def order_address(cust):
    """An order's billing or shipping address: the customer's, with no id."""
    a = {k: v for k, v in cust["default_address"].items()
         if k not in ("id", "customer_id", "country_name", "default")}
    a["latitude"] = None
    a["longitude"] = None
    return a


def orders(custs, prods):
    out = []
    ts = times(datetime.datetime(2024, 11, 2, 10, 0, tzinfo=UTC), 30, 97, {
        # THE pair: 01:10-05:00 is 40 minutes after 01:30-04:00, though it
        # sorts before it as a string
        14: utc("2024-11-03T01:30:00-04:00"),
        15: utc("2024-11-03T01:10:00-05:00"),
        # two orders updated at the same instant (ties go by id)
        20: utc("2024-11-03T09:00:00-05:00"),
        21: utc("2024-11-03T09:00:00-05:00"),
    })
    for i in range(30):
        oid = ORDER_ID + i
        cust = custs[(i * 7) % 30]
        created = ts[i] - datetime.timedelta(hours=2 + num(str(oid), 0, 70))
        items = []
        total = 0
        for k in range(1 + i % 3):
            p = prods[(i * 11 + k * 5) % 30]
            v = p["variants"][0]
            qty = 1 + (i + k) % 3
            cents = int(v["price"].replace(".", ""))
            total += qty * cents
            items.append({
                "id": LINE_ID + 10 * i + k,
                "product_id": p["id"],
                "variant_id": v["id"],
                "title": p["title"],
                "variant_title": v["title"],
                "sku": v["sku"],
                "quantity": qty,
                "price": v["price"],
                "price_set": money_set(cents),
                "total_discount": "0.00",
                "total_discount_set": money_set(0),
                "taxable": True,
                "fulfillment_status": None,
                "admin_graphql_api_id": "gid://shopify/LineItem/%d"
                                        % (LINE_ID + 10 * i + k),
                "name": "%s - %s" % (p["title"], v["title"]),
                "vendor": p["vendor"],
                "grams": v["grams"],
                "fulfillable_quantity": qty,
                "fulfillment_service": "manual",
                "gift_card": False,
                "product_exists": True,
                "requires_shipping": True,
                "properties": [],
                "tax_lines": [],
                "discount_allocations": [],
                "duties": [],
            })
        # every fourth order used a code: a fixed discount on its first line
        disc = 0
        discount_applications = []
        discount_codes = []
        if i % 4 == 1:
            first = items[0]
            disc = min(500, first["quantity"]
                       * int(first["price"].replace(".", "")))
            discount_applications.append({
                "type": "discount_code", "code": "WELCOME5",
                "title": None, "description": None,
                "value": "5.0", "value_type": "fixed_amount",
                "allocation_method": "across",
                "target_selection": "entitled",
                "target_type": "line_item"})
            discount_codes.append({"code": "WELCOME5",
                                   "amount": money(disc),
                                   "type": "fixed_amount"})
            first["total_discount"] = money(disc)
            first["total_discount_set"] = money_set(disc)
            first["discount_allocations"].append({
                "amount": money(disc), "amount_set": money_set(disc),
                "discount_application_index": 0})
        for it in items:
            line = (it["quantity"] * int(it["price"].replace(".", ""))
                    - int(it["total_discount"].replace(".", "")))
            it["tax_lines"].append({"price": money(line * 13 // 100),
                                    "price_set": money_set(line * 13 // 100),
                                    "rate": 0.13, "title": "HST",
                                    "channel_liable": False})
        subtotal = total - disc
        tax = subtotal * 13 // 100
        cancelled = i % 9 == 4
        closed = not cancelled and i % 5 == 3
        shipping = [{
            "id": SHIPPING_LINE_ID + i,
            "carrier_identifier": None,
            "code": "Standard",
            "discounted_price": "0.00",
            "discounted_price_set": money_set(0),
            "is_removed": False,
            "phone": None,
            "price": "0.00",
            "price_set": money_set(0),
            "requested_fulfillment_service_id": None,
            "source": "shopify",
            "title": "Free Shipping",
            "tax_lines": [],
            "discount_allocations": [],
        }]
        fulfillments = []
        if closed:
            fid = FULFILLMENT_ID + i
            fulfillments.append({
                "id": fid,
                "admin_graphql_api_id": "gid://shopify/Fulfillment/%d" % fid,
                "order_id": oid,
                "location_id": None,
                "name": "#%d.1" % (1001 + i),
                "status": "success",
                "service": "manual",
                "shipment_status": None,
                "created_at": local(ts[i]),
                "updated_at": local(ts[i]),
                "tracking_company": "UPS",
                "tracking_number": "1Z%016d" % num(str(fid), 0, 10**15),
                "tracking_numbers": [],
                "tracking_url": None,
                "tracking_urls": [],
                "receipt": {},
                "line_items": [dict(it, fulfillment_status="fulfilled",
                                    fulfillable_quantity=0)
                               for it in items],
            })
            fulfillments[0]["tracking_numbers"].append(
                fulfillments[0]["tracking_number"])
        refunds = []
        if cancelled:
            rid = REFUND_ID + i
            tid = TRANSACTION_ID + i
            refunds.append({
                "id": rid,
                "admin_graphql_api_id": "gid://shopify/Refund/%d" % rid,
                "order_id": oid,
                "created_at": local(ts[i]),
                "processed_at": local(ts[i]),
                "note": "cancelled by the customer",
                "user_id": None,
                "restock": True,
                "duties": [],
                "order_adjustments": [],
                "refund_line_items": [{
                    "id": REFUND_LINE_ID + 10 * i + k,
                    "line_item_id": it["id"],
                    "line_item": it,
                    "quantity": it["quantity"],
                    "restock_type": "cancel",
                    "location_id": None,
                    "subtotal": money(sub),
                    "subtotal_set": money_set(sub),
                    "total_tax": it["tax_lines"][0]["price"],
                    "total_tax_set": it["tax_lines"][0]["price_set"],
                } for k, it in enumerate(items)
                    for sub in [it["quantity"]
                                * int(it["price"].replace(".", ""))
                                - int(it["total_discount"]
                                      .replace(".", ""))]],
                "transactions": [{
                    "id": tid,
                    "admin_graphql_api_id":
                        "gid://shopify/OrderTransaction/%d" % tid,
                    "order_id": oid,
                    "parent_id": None,
                    "kind": "refund",
                    "status": "success",
                    "gateway": "shopify_payments",
                    "amount": money(subtotal + tax),
                    "currency": "USD",
                    "authorization": None,
                    "created_at": local(ts[i]),
                    "processed_at": local(ts[i]),
                    "device_id": None,
                    "error_code": None,
                    "location_id": None,
                    "message": None,
                    "receipt": {},
                    "source_name": "web",
                    "test": False,
                    "user_id": None,
                }],
            })
        out.append({
            "id": oid,
            "admin_graphql_api_id": "gid://shopify/Order/%d" % oid,
            "name": "#%d" % (1001 + i),
            "order_number": 1001 + i,
            "email": cust["email"],
            "created_at": local(created),
            "updated_at": local(ts[i]),
            "processed_at": local(created),
            "closed_at": local(ts[i]) if closed else None,
            "cancelled_at": local(ts[i]) if cancelled else None,
            "cancel_reason": "customer" if cancelled else None,
            "currency": "USD",
            "financial_status": "refunded" if cancelled else "paid",
            "fulfillment_status": "fulfilled" if closed else None,
            "subtotal_price": money(subtotal),
            "subtotal_price_set": money_set(subtotal),
            "total_tax": money(tax),
            "total_tax_set": money_set(tax),
            "total_discounts": money(disc),
            "total_discounts_set": money_set(disc),
            "total_price": money(subtotal + tax),
            "total_price_set": money_set(subtotal + tax),
            "total_shipping_price_set": money_set(0),
            "test": False,
            "tags": "",
            "note": None,
            "line_items": items,
            "customer": {k: cust[k] for k in
                         ("id", "email", "first_name", "last_name",
                          "state", "currency", "admin_graphql_api_id")},
            "number": 1 + i,
            "token": hashlib.sha256(str(oid).encode()).hexdigest()[:32],
            "confirmed": True,
            "confirmation_number": "C%08d" % num(str(oid) + "c", 0,
                                                 99999999),
            "contact_email": cust["email"],
            "phone": None,
            "browser_ip": "192.0.2.%d" % (1 + i),
            "buyer_accepts_marketing": cust["accepts_marketing"],
            "customer_locale": "en",
            "presentment_currency": "USD",
            "taxes_included": False,
            "estimated_taxes": False,
            "total_line_items_price": money(total),
            "total_line_items_price_set": money_set(total),
            "total_weight": sum(it["grams"] * it["quantity"]
                                for it in items),
            "total_tip_received": "0.00",
            "total_outstanding": "0.00",
            "current_subtotal_price": money(0 if cancelled else subtotal),
            "current_subtotal_price_set":
                money_set(0 if cancelled else subtotal),
            "current_total_discounts": money(0 if cancelled else disc),
            "current_total_discounts_set":
                money_set(0 if cancelled else disc),
            "current_total_price":
                money(0 if cancelled else subtotal + tax),
            "current_total_price_set":
                money_set(0 if cancelled else subtotal + tax),
            "current_total_tax": money(0 if cancelled else tax),
            "current_total_tax_set": money_set(0 if cancelled else tax),
            "current_total_duties_set": None,
            "original_total_duties_set": None,
            "current_total_additional_fees_set": None,
            "original_total_additional_fees_set": None,
            "company": None,
            "source_name": "web",
            "source_identifier": None,
            "source_url": None,
            "landing_site": "/",
            "referring_site": None,
            "po_number": None,
            "location_id": None,
            "user_id": None,
            "app_id": 580111,
            "checkout_id": None,
            "checkout_token": None,
            "cart_token": None,
            "merchant_of_record_app_id": None,
            "payment_terms": None,
            "order_status_url": "https://mock.myshopify.com/0000/orders/"
                                "%s/authenticate" % hashlib.sha256(
                                    str(oid).encode()).hexdigest()[:32],
            "payment_gateway_names": ["shopify_payments"],
            "discount_codes": discount_codes,
            "discount_applications": discount_applications,
            "note_attributes": [],
            "tax_lines": [{"price": money(tax), "price_set": money_set(tax),
                           "rate": 0.13, "title": "HST",
                           "channel_liable": False}],
            "shipping_lines": shipping,
            "fulfillments": fulfillments,
            "refunds": refunds,
            "billing_address": order_address(cust),
            "shipping_address": order_address(cust),
            "client_details": {"browser_ip": "192.0.2.%d" % (1 + i),
                               "accept_language": "en-US",
                               "user_agent": "Mozilla/5.0",
                               "session_hash": None,
                               "browser_width": 1280,
                               "browser_height": 800},
        })
    return out


def shopify():
    c = customers()
    p = products()
    o = orders(c, p)
    return {"dataset": "shopify",
            "access_token": "shpat_mock_0123456789abcdef0123456789abcdef",
            "streams": {"orders": o, "products": p, "customers": c}}


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..",
                                                              "data")
    write(os.path.join(out, "pokeapi", "pokeapi.json"), pokeapi())
    write(os.path.join(out, "shopify", "shopify.json"), shopify())


if __name__ == "__main__":
    main()
