"""Pascal VOC AP goldens from the classic voc_eval.py (Bharath Hariharan's, as shipped in Fast/er R-CNN).

Writes tests/data/voc-eval/case_NN/: Annotations/<image>.xml (VOC layout), imageset.txt, dets_<class>.txt
("image score x1 y1 x2 y2", the format voc_eval reads) and expected.json with, per class, voc_eval's rec, prec and
AP for use_07_metric True (VOC2007 11-point) and False (VOC2010+ area under the envelope).

voc_eval.py is not part of this repository. Take it from a public copy, e.g.
    git -C <endernewton/tf-faster-rcnn checkout> show HEAD:lib/datasets/voc_eval.py > /tmp/voc_eval.py
and run
    /usr/bin/python3 tools/golden/make_voc_golden.py /tmp/voc_eval.py
Two shims make that Python-3 copy run unchanged on NumPy 1.24: np.bool (removed alias) is supplied as bool, and the
annotation cache it would write in text mode (beside a copy of the image list) is written here, in binary mode,
before it is called (its own parse_rec fills it). use_diff stays False: difficult objects are ignored. Seeded; scores are distinct because voc_eval sorts with an unstable quicksort.
"""
import importlib.util
import json
import os
import pickle
import random
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

import numpy as np

np.bool = bool  # removed alias voc_eval.py still uses

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'data', 'voc-eval')
CLASSES = ['cat', 'dog', 'bird']


def load_voc_eval(path):
    spec = importlib.util.spec_from_file_location('voc_eval', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_xml(path, name, width, height, objects):
    ann = ET.Element('annotation')
    ET.SubElement(ann, 'folder').text = 'VOC'
    ET.SubElement(ann, 'filename').text = name + '.jpg'
    size = ET.SubElement(ann, 'size')
    ET.SubElement(size, 'width').text = str(width)
    ET.SubElement(size, 'height').text = str(height)
    ET.SubElement(size, 'depth').text = '3'
    ET.SubElement(ann, 'segmented').text = '0'
    for o in objects:
        obj = ET.SubElement(ann, 'object')
        ET.SubElement(obj, 'name').text = o['name']
        ET.SubElement(obj, 'pose').text = 'Unspecified'
        ET.SubElement(obj, 'truncated').text = str(o['truncated'])
        ET.SubElement(obj, 'difficult').text = str(o['difficult'])
        box = ET.SubElement(obj, 'bndbox')
        for key, v in zip(('xmin', 'ymin', 'xmax', 'ymax'), o['bbox']):
            ET.SubElement(box, key).text = str(v)
    ET.ElementTree(ann).write(path)


def make_case(rng, n, voc_eval, tmp):
    case = os.path.join(ROOT, 'case_%02d' % n)
    shutil.rmtree(case, ignore_errors=True)
    os.makedirs(os.path.join(case, 'Annotations'))
    images = ['img%03d' % i for i in range(rng.randint(2, 6))]
    scores = iter(rng.sample(range(1, 100000), 400))
    dets = {c: [] for c in CLASSES}
    for name in images:
        width, height = rng.randint(120, 300), rng.randint(120, 300)
        objects = []
        for _ in range(rng.randint(0, 6)):
            w, h = rng.randint(8, 80), rng.randint(8, 80)
            x, y = rng.randint(0, width - w), rng.randint(0, height - h)
            objects.append({'name': rng.choice(CLASSES), 'bbox': [x, y, x + w, y + h],
                            'difficult': int(rng.random() < 0.25), 'truncated': int(rng.random() < 0.2)})
        write_xml(os.path.join(case, 'Annotations', name + '.xml'), name, width, height, objects)
        for o in objects:
            x1, y1, x2, y2 = o['bbox']
            for _ in range(rng.choice([0, 1, 1, 1, 2])):  # missed, found, found twice
                j = lambda: rng.uniform(-6, 6)
                dets[o['name']].append((name, next(scores), x1 + j(), y1 + j(), x2 + j(), y2 + j()))
        for _ in range(rng.randint(0, 3)):  # false positives, also of classes absent from the image
            x, y = rng.uniform(0, width - 30), rng.uniform(0, height - 30)
            dets[rng.choice(CLASSES)].append((name, next(scores), x, y, x + rng.uniform(5, 60),
                                              y + rng.uniform(5, 60)))
    with open(os.path.join(case, 'imageset.txt'), 'w') as f:
        f.write(''.join(name + '\n' for name in images))
    recs = {name: voc_eval.parse_rec(os.path.join(case, 'Annotations', name + '.xml')) for name in images}
    expected = {}
    for c in CLASSES:
        rng.shuffle(dets[c])
        with open(os.path.join(case, 'dets_%s.txt' % c), 'w') as f:
            for name, s, x1, y1, x2, y2 in dets[c]:
                f.write('%s %.5f %.2f %.2f %.2f %.2f\n' % (name, s / 100000.0, x1, y1, x2, y2))
        if not any(o['name'] == c and not o['difficult'] for r in recs.values() for o in r):
            continue  # no positives: voc_eval divides by zero
        expected[c] = {}
        for metric, key in ((True, 'voc07'), (False, 'voc10')):
            # A fresh copy of the image list per call: voc_eval caches the annotations beside it
            # ('<imagesetfile>_annots.pkl'); the cache is written here, in binary mode, with its parse_rec's output.
            cache = tempfile.mkdtemp(dir=tmp)
            imageset = os.path.join(cache, 'imageset.txt')
            shutil.copyfile(os.path.join(case, 'imageset.txt'), imageset)
            with open(imageset + '_annots.pkl', 'wb') as f:
                pickle.dump(recs, f)
            rec, prec, ap = voc_eval.voc_eval(os.path.join(case, 'dets_{:s}.txt'),
                                              os.path.join(case, 'Annotations', '{:s}.xml'),
                                              imageset, c, cache, 0.5, metric)
            expected[c][key] = {'ap': float(ap), 'rec': [float(v) for v in rec], 'prec': [float(v) for v in prec]}
    with open(os.path.join(case, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1, sort_keys=True)


def main():
    voc_eval = load_voc_eval(sys.argv[1])
    rng = random.Random(12)
    tmp = tempfile.mkdtemp()
    try:
        for n in range(12):
            make_case(rng, n, voc_eval, tmp)
    finally:
        shutil.rmtree(tmp)
    with open(os.path.join(ROOT, 'README.md'), 'w') as f:
        f.write('# voc-eval: Pascal VOC AP cases with the classic voc_eval.py\'s answers\n\n'
                'Written by `tools/golden/make_voc_golden.py` (see its docstring for how to rerun it). '
                '12 cases `case_NN/`: `Annotations/*.xml` (VOC layout, some objects `difficult`), `imageset.txt`, '
                '`dets_<class>.txt` (`image score x1 y1 x2 y2`, distinct scores) and `expected.json`: per class with '
                'at least one non-difficult object, voc_eval\'s `rec`, `prec` and `ap` for the VOC2007 11-point '
                'metric (`voc07`) and the VOC2010+ all-point metric (`voc10`), IoU threshold 0.5, boxes in VOC\'s '
                'inclusive pixel convention (w = x2 - x1 + 1). Data only: no code.\n')


if __name__ == '__main__':
    main()
